#!/usr/bin/env bash
# Re-record the psql golden fixtures in this directory.
#
# Usage: record.sh PORT
#   PORT  port of a running server on 127.0.0.1 (user postgres, db postgres),
#         e.g. `npx pglite-server -p PORT` from @electric-sql/pglite-socket.
# Expects psql on PATH. If the database has no table `notes` yet, setup.sql is
# loaded first (so start from a fresh, empty server for reproducible output).
#
# For every NN-name.in (commands separated by a line `--next--`) it writes
# NN-name.out = what `psql -X -P pager=off ... -c CMD1 -c CMD2 ...` printed,
# stdout and stderr merged (2>&1). It also rewrites HIDDEN-QUERIES.md from
# `psql -E` runs of the meta-commands listed below.
set -euo pipefail

port=${1:?usage: record.sh PORT}
dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir"

# A neutral client environment: no psqlrc, no pager, UTF-8, no PG* overrides.
for v in $(env | grep -o '^PG[A-Z_]*' || true); do unset "$v"; done
unset PAGER PSQL_PAGER COLUMNS
export LC_ALL=C.UTF-8 PGCLIENTENCODING=UTF8

psql_=(psql -X -P pager=off -h 127.0.0.1 -p "$port" -U postgres postgres)
# unbuffered stdout keeps stdout/stderr in the order psql wrote them
if command -v stdbuf >/dev/null; then psql_=(stdbuf -o0 "${psql_[@]}"); fi

if [[ $("${psql_[@]}" -Atc "select to_regclass('notes') is null") == t ]]; then
  echo "loading setup.sql" >&2
  "${psql_[@]}" -q -v ON_ERROR_STOP=1 -f setup.sql
fi

# read an .in file into the array `cmds`
read_cmds() {
  cmds=()
  local cur="" have=0 line
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == --next-- ]]; then
      cmds+=(-c "$cur"); cur=""; have=0
    elif ((have)); then
      cur+=$'\n'"$line"
    else
      cur=$line; have=1
    fi
  done <"$1"
  cmds+=(-c "$cur")
}

for in in [0-9]*.in; do
  read_cmds "$in"
  "${psql_[@]}" "${cmds[@]}" >"${in%.in}.out" 2>&1 || true
  echo "recorded ${in%.in}.out" >&2
done

# Hidden catalog queries (psql -E) of the meta-commands.
metas=('\d' '\dt' '\di' '\dv' '\df' '\ds' '\d users' '\d orders' '\d notes'
  '\d orders_user_id' '\d recent_orders' '\d invoice_numbers' '\d nosuch'
  '\dt nosuch' '\di nosuch' '\dv nosuch' '\df nosuch' '\ds nosuch' '\di orders*')
{
  echo "# Hidden catalog queries of psql's meta-commands"
  echo
  echo "Recorded with \`psql -E\` ($(psql --version)), against:"
  echo "\`$("${psql_[@]}" -Atc 'select version()')\`."
  echo "Each block is one query psql sent, in order, exactly as \`-E\` echoed it."
  echo "Note: this is psql 15's text; psql 17/18 send different SQL (see PSQL-VERSIONS.md)."
  for m in "${metas[@]}"; do
    echo
    echo "## \`$m\`"
    "${psql_[@]}" -E -c "$m" 2>/dev/null | awk '
      /^\*+ QUERY \*+$/ { inq = 1; print ""; print "```sql"; next }
      inq && /^\*+$/    { inq = 0; print "```"; next }
      inq               { print }' || true
  done
} >HIDDEN-QUERIES.md
echo "recorded HIDDEN-QUERIES.md" >&2
