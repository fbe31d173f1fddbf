-- deploydemo's database as v1.0.1 left it: one users table with one name column. The name is
-- nullable, as in deploydemo (its own check query looks for `name is null`).
create table users (
  id bigint generated always as identity primary key,
  name text
);

-- Stands in for v2.0.1's Python, `first, last = name.split()`, so the simulated app can run it
-- as SQL: it splits on whitespace and fails the way unpacking fails, for any name that is not
-- exactly two words. The app turns that exception into a 500.
create schema app;
create function app.split_name(full_name text, out first text, out last text)
language plpgsql immutable strict as $$
declare
  words text[] := regexp_split_to_array(btrim(full_name), '\s+');
begin
  if cardinality(words) > 2 then
    raise exception 'ValueError: too many values to unpack (expected 2, got %)', cardinality(words)
      using detail = format('name.split() of %L', full_name);
  elsif cardinality(words) < 2 then
    raise exception 'ValueError: not enough values to unpack (expected 2, got %)', cardinality(words)
      using detail = format('name.split() of %L', full_name);
  end if;
  first := words[1];
  last := words[2];
end
$$;

-- deterministic seed data: 200 people, one in ten with a three-word name
insert into users (name)
select case
         when n % 10 = 0 then (array['Mary Ann Evans', 'Ludwig van Beethoven', 'Simone de Beauvoir',
                                     'Gabriel Garcia Marquez', 'Martin Luther King'])[1 + (n / 10) % 5]
         else first || ' ' || last
       end
from (
  select n,
         (array['Paul', 'Art', 'Ada', 'Alan', 'Grace', 'Edgar', 'Barbara', 'Margaret', 'Donald'])[1 + n % 9] as first,
         (array['Simon', 'Garfunkel', 'Lovelace', 'Turing', 'Hopper', 'Codd', 'Liskov', 'Hamilton', 'Knuth'])[1 + (n + n / 9) % 9] as last
  from generate_series(1, 200) as n
) as people
order by n;
