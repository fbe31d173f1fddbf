-- The Delmo demo's blog: one table of posts, which the home page lists.
create table posts (
  id bigint generated always as identity primary key,
  title text not null,
  body text not null,
  published_at timestamptz not null
);

-- deterministic seed data: the same posts on every build
insert into posts (title, body, published_at)
select 'Post ' || n || ': ' || (array['Failover', 'Backups', 'Health checks', 'Connection pools', 'Read replicas'])[1 + n % 5],
       'What we learned running Postgres in containers, part ' || n || '.',
       timestamptz '2026-03-01 08:00:00+00' + n * interval '1 day'
from generate_series(1, 40) as n;
