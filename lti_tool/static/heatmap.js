// Heatmap cells link to their evidence by a short relative path: 75,000 links each carrying
// the session token would make the page megabytes larger. Where the browser keeps no cookie,
// the token (on the table) is added to the link a person actually follows.
document.querySelectorAll("table[data-session]").forEach(function (table) {
  table.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || !table.contains(link)) { return; }
    var url = new URL(link.href, document.baseURI);
    url.searchParams.set("_wl", table.dataset.session);
    link.href = url.toString();
  });
});
