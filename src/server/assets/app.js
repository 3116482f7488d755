// The board refreshes itself when the ledger changes (server-sent events); the upload form
// accepts a dropped file. Both are additions: without script the pages work as forms and links.
(function () {
  var rows = document.getElementById("board-rows");
  if (rows && window.EventSource) {
    var es = new EventSource("/events");
    es.addEventListener("board", function () {
      fetch("/board/rows" + location.search, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { rows.innerHTML = html; } });
    });
  }
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  if (drop && input) {
    drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      if (e.dataTransfer.files.length === 1) {
        input.files = e.dataTransfer.files;
        input.form.submit();
      }
    });
  }
})();
