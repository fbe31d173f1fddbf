-- The starting database of the playground: a small shop, as a v1.0.0 app would have it.
create table users (
  id bigint generated always as identity primary key,
  name text not null,
  email text not null unique,
  created_at timestamptz not null default '2026-01-01 09:00:00+00'
);

create table orders (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id),
  total_cents integer not null check (total_cents >= 0),
  placed_at timestamptz not null
);

create index orders_user_id on orders (user_id);

-- deterministic seed data: the same rows on every build
insert into users (name, email, created_at)
select first || ' ' || last,
       lower(first) || '.' || lower(last) || n || '@example.org',
       timestamptz '2026-01-01 09:00:00+00' + n * interval '37 minutes'
from (
  select n,
         (array['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'])[1 + n % 8] as first,
         (array['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'])[1 + (n * 3) % 8] as last
  from generate_series(1, 200) as n
) as people;

insert into orders (user_id, total_cents, placed_at)
select 1 + (n * 7) % 200, 500 + (n * 7919) % 20000,
       timestamptz '2026-02-01 00:00:00+00' + n * interval '53 minutes'
from generate_series(1, 1000) as n;

-- ---------------------------------------------------------------------------
-- Additions for the psql golden fixtures (lib/terminal/psql-fixtures):
-- a view, functions, a trigger, a table with awkward values, a sequence.

create view recent_orders as
  select id, user_id, total_cents from orders where placed_at > '2026-03-01';

create function order_count(p_user bigint) returns bigint
language plpgsql stable as $$
begin
  return (select count(*) from orders where user_id = p_user);
end;
$$;

create function touch_order() returns trigger
language plpgsql as $$
begin
  new.placed_at := greatest(new.placed_at, old.placed_at);
  return new;
end;
$$;

create trigger orders_touch before update on orders
  for each row execute function touch_order();

create table notes (
  id int primary key,
  body text,
  author text,
  score numeric(6,2)
);

insert into notes (id, body, author, score) values
  (1, 'plain note', 'ada', 4.50),
  (2, null, 'alan', null),
  (3, 'first line' || E'\n' || 'second line', 'grace', 10),
  (4, repeat('x', 120), 'edsger', 0.25),
  (5, '注文', '注文者', -3);

create sequence invoice_numbers start 1000;
