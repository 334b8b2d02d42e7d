// Sortable and filterable evidence tables for the HTML report (no library, no network).
(function () {
  "use strict";
  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a.split(" ")[0] && String(y) === b.split(" ")[0]) {
      return x - y;
    }
    return a.localeCompare(b);
  }
  document.querySelectorAll("table.data").forEach(function (table) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body) { return; }
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      th.classList.add("sortable");
      th.setAttribute("title", "Sort by this column");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellText(r1, index), cellText(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    if (table.classList.contains("evidence")) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "table-filter";
      input.setAttribute("placeholder", "Filter rows");
      input.setAttribute("aria-label", "Filter the rows of this table");
      input.addEventListener("input", function () {
        var needle = input.value.toLowerCase();
        Array.prototype.forEach.call(body.rows, function (row) {
          row.style.display = row.textContent.toLowerCase().indexOf(needle) === -1 ? "none" : "";
        });
      });
      table.parentNode.insertBefore(input, table);
    }
  });
}());
