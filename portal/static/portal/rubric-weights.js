// A batch's review settings: the rubric's total weight follows the weights as they are typed
// (rows marked for deletion left out).
document.addEventListener("input", function (event) {
  "use strict";
  if (!event.target.matches("[data-weight]")) return;
  let sum = 0;
  document.querySelectorAll("[data-weight]").forEach(function (input) {
    const row = input.closest("tr");
    const del = row && row.querySelector("input[type=checkbox]");
    if (del && del.checked) return;
    sum += parseFloat(input.value) || 0;
  });
  document.getElementById("weight-sum").textContent = sum.toFixed(2);
});
