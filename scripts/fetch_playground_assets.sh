#!/usr/bin/env bash
# Fetch the offline GraphiQL playground assets from the npm registry into schema/static/vendor/.
#
# Needs only `npm` (to download tarballs; npm checks each tarball against the registry's
# integrity hash) plus tar/sed/sha256sum. Nothing is built: the files are the packages'
# published browser (UMD) bundles. The one change: the trailing `//# sourceMappingURL=`
# comment is removed from graphiql.min.js because the .map file is not shipped (it is 4 MB
# and the browser would 404 on it when devtools are open).
#
# Usage: scripts/fetch_playground_assets.sh        (run from anywhere; rewrites the vendor dir)
set -euo pipefail

REACT_VERSION=18.3.1
GRAPHIQL_VERSION=3.9.0            # bundles @graphiql/react 0.29.x, exposes GraphiQL.React / GraphiQL.GraphQL
EXPLORER_VERSION=3.2.6            # peer @graphiql/react ^0.29.0 -> matches graphiql 3.9.0
GRAPHIQL_EXPLORER_VERSION=0.9.0   # bundled inside the plugin's UMD file; fetched only for its LICENSE

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/schema/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # fetch <package@version> -> extracts into $work/<n>/package
  local spec="$1" n="$2"
  mkdir -p "$work/$n"
  (cd "$work/$n" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
}

fetch "react@$REACT_VERSION" react
fetch "react-dom@$REACT_VERSION" react-dom
fetch "graphiql@$GRAPHIQL_VERSION" graphiql
fetch "@graphiql/plugin-explorer@$EXPLORER_VERSION" explorer
fetch "graphiql-explorer@$GRAPHIQL_EXPLORER_VERSION" graphiql-explorer

rm -rf "$dest"
r="$dest/react@$REACT_VERSION"
d="$dest/react-dom@$REACT_VERSION"
g="$dest/graphiql@$GRAPHIQL_VERSION"
e="$dest/graphiql-plugin-explorer@$EXPLORER_VERSION"
mkdir -p "$r" "$d" "$g" "$e"

cp "$work/react/package/umd/react.production.min.js" "$work/react/package/LICENSE" "$r/"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$work/react-dom/package/LICENSE" "$d/"
sed '/^\/\/# sourceMappingURL=/d' "$work/graphiql/package/graphiql.min.js" > "$g/graphiql.min.js"
cp "$work/graphiql/package/graphiql.min.css" "$work/graphiql/package/LICENSE" "$g/"
cp "$work/explorer/package/dist/index.umd.js" "$work/explorer/package/dist/style.css" "$e/"
# @graphiql/plugin-explorer ships no LICENSE file; its package.json says MIT and it lives in the
# graphql/graphiql monorepo, whose LICENSE is the one shipped with graphiql.
cp "$work/graphiql/package/LICENSE" "$e/LICENSE"
cp "$work/graphiql-explorer/package/LICENSE" "$e/LICENSE.graphiql-explorer"

(cd "$dest" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum > SHA256SUMS)
du -sh "$dest"
