/*
 * detgraph offline playground: GraphiQL + explorer plugin, all assets served from /static.
 * Configuration comes from data attributes on #graphiql (set by schema/playground.py), so the
 * page needs no inline script and works under a strict Content-Security-Policy.
 *
 * URL parameters (shareable links): ?q=<query>&variables=<json>&operationName=<name>
 * (`q`, not `query`: GET /graphql?query=... executes the query instead of serving this page).
 */
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint") || window.location.pathname;
  var defaultQuery = root.getAttribute("data-default-query") || "";

  var params = new URLSearchParams(window.location.search);

  function updateURL(key, value) {
    if (value) {
      params.set(key, value);
    } else {
      params.delete(key);
    }
    var search = params.toString();
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Playground() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultQuery: defaultQuery,
      query: params.get("q") || undefined,
      variables: params.get("variables") || undefined,
      operationName: params.get("operationName") || undefined,
      onEditQuery: function (q) { updateURL("q", q); },
      onEditVariables: function (v) { updateURL("variables", v); },
      onEditOperationName: function (n) { updateURL("operationName", n); },
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    });
  }

  root.textContent = "";
  ReactDOM.createRoot(root).render(React.createElement(Playground));
})();
