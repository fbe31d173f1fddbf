-- deploydemo's database at v1.0.0 (its first Alembic revision): users with a single name
-- column, and a results table the app no longer uses.
create table users (
  id serial primary key,
  name text
);

create table results (
  id serial primary key,
  url text,
  result_all json,
  result_no_stop_words json
);

-- deterministic seed data: the same 200 people on every build
insert into users (name)
select (array['Paul', 'Art', 'Joni', 'Carole', 'James', 'Nina', 'Aretha', 'Stevie'])[1 + n % 8]
       || ' ' ||
       (array['Simon', 'Garfunkel', 'Mitchell', 'King', 'Taylor', 'Simone', 'Franklin', 'Wonder'])[1 + (n * 3) % 8]
from generate_series(1, 200) as n;
