-- The makerspace's calendar as production runs it after two releases: v1.0.0 is live, and
-- migrations 001 and 002 are recorded in the migration history.
create table schema_migrations (
  version text primary key,
  description text not null,
  applied_at timestamptz not null
);

insert into schema_migrations (version, description, applied_at) values
  ('001', 'create events', '2026-01-10 19:00:00+00'),
  ('002', 'add room to events', '2026-02-07 19:00:00+00');

create table events (
  id bigint generated always as identity primary key,
  title text not null,
  starts_at timestamptz not null,
  room text not null default 'Main hall'
);

-- deterministic seed data: the same classes on every build
insert into events (title, starts_at, room)
select (array['Intro to the laser cutter', 'Welding basics', 'Arduino night', 'Woodshop safety', 'CNC router 101'])[1 + n % 5],
       timestamptz '2026-03-02 18:30:00+00' + n * interval '19 hours',
       (array['Main hall', 'Wood shop', 'Metal shop', 'Electronics lab'])[1 + n % 4]
from generate_series(1, 300) as n;

-- What each tagged release expects of the schema: the repository's schema file at that tag,
-- one row per column, with its default as Postgres prints it, written by CI when it tags a
-- release.
create table release_schema (
  release text not null,
  table_name text not null,
  column_name text not null,
  data_type text not null,
  is_nullable text not null check (is_nullable in ('YES', 'NO')),
  column_default text,
  primary key (release, table_name, column_name)
);

insert into release_schema (release, table_name, column_name, data_type, is_nullable, column_default)
select release, 'events', column_name, data_type, 'NO', column_default
from (values ('v1.0.0'), ('v1.1.0'), ('v1.2.0')) as releases (release),
     (values ('id', 'bigint', null), ('title', 'text', null),
             ('starts_at', 'timestamp with time zone', null), ('room', 'text', '''Main hall''::text'))
       as columns (column_name, data_type, column_default);

insert into release_schema (release, table_name, column_name, data_type, is_nullable, column_default) values
  ('v1.1.0', 'events', 'capacity', 'integer', 'NO', '20'),
  ('v1.2.0', 'events', 'capacity', 'integer', 'NO', '20'),
  ('v1.2.0', 'events', 'location', 'text', 'YES', null);

-- The drift between the live schema and what a release expects: a row per column that is
-- missing, differs (type, nullability or default), or is there without the release knowing it,
-- and per column of a table the release does not have. No rows: prod is that release. Indexes,
-- constraints and the bookkeeping tables are not compared.
create function schema_drift(wanted text)
returns table (problem text, table_name text, column_name text, release_has text, live_has text)
language sql stable
as $$
  with expected as (
    select r.table_name, r.column_name,
           r.data_type || case when r.is_nullable = 'NO' then ' not null' else '' end
             || coalesce(' default ' || r.column_default, '') as spec
    from release_schema r
    where r.release = wanted
  ), live as (
    select c.table_name::text as table_name, c.column_name::text as column_name,
           c.data_type || case when c.is_nullable = 'NO' then ' not null' else '' end
             || coalesce(' default ' || c.column_default, '') as spec
    from information_schema.columns c
    where c.table_schema = 'public'
      and c.table_name not in ('schema_migrations', 'release_schema')
  )
  select case
           when l.column_name is null then 'missing on prod'
           when not exists (select 1 from expected x where x.table_name = l.table_name)
             then 'table not in the release'
           when e.column_name is null then 'not in the release'
           else 'differs'
         end,
         coalesce(e.table_name, l.table_name),
         coalesce(e.column_name, l.column_name),
         e.spec,
         l.spec
  from expected e
  full join live l on l.table_name = e.table_name and l.column_name = e.column_name
  where e.spec is distinct from l.spec
  order by 2, 3
$$;
