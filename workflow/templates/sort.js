// Sortable and filterable tables for the HTML report (no library, no network).
// Each header holds a button (reachable with Tab, pressed with Enter or Space) and
// announces its order with aria-sort; durations sort by their length in days, so
// "8 months" comes after "10 weeks".
(function () {
  "use strict";
  var DAYS = { day: 1, week: 7, month: 30.44, year: 365.25 };
  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.replace(/\u2212/g, "-").trim() : "";
  }
  function sortValue(text) {
    var duration = /^(-?\d+(?:\.\d+)?)\s*(day|week|month|year)s?\b/i.exec(text);
    if (duration) { return parseFloat(duration[1]) * DAYS[duration[2].toLowerCase()]; }
    var number = /^(-?\d+(?:\.\d+)?)(?:\s|%|$)/.exec(text);
    return number ? parseFloat(number[1]) : null;
  }
  function compare(a, b) {
    var x = sortValue(a), y = sortValue(b);
    if (x !== null && y !== null) { return x - y; }
    if (x !== null) { return -1; }
    if (y !== null) { return 1; }
    return a.localeCompare(b);
  }
  document.querySelectorAll("table.data").forEach(function (table) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body) { return; }
    var cells = head.rows[0].cells;
    Array.prototype.forEach.call(cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.classList.add("sortable");
      th.setAttribute("aria-sort", "none");
      button.setAttribute("title", "Sort by this column");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(cells, function (other) { other.setAttribute("aria-sort", "none"); });
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
