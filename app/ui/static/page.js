/* Behaviour every page shares, kept out of inline handlers so the Content-Security-Policy can
 * forbid inline script: a button marked data-print prints the page. */
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) window.print();
});
