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
