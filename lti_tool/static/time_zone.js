// The browser's time zone, for a course that has none yet: its first typed dates are read in it.
(function () {
  "use strict";
  var field = document.getElementById("browser_time_zone");
  if (!field || !window.Intl) { return; }
  try { field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* none */ }
})();
