// Drag to reorder lists marked data-sortable (files, halls, sections). Without JavaScript the
// arrow buttons do the same; dragging only moves the rows, whose hidden inputs carry the order.
(function () {
  "use strict";
  document.querySelectorAll("[data-sortable]").forEach(function (list) {
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li");
      if (dragged) { dragged.classList.add("dragging"); event.dataTransfer.effectAllowed = "move"; }
    });
    list.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      dragged = null;
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var over = event.target.closest("li");
      if (!over || over === dragged || over.parentNode !== list) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
  });
})();
