// touchbase serve: reload this page when the site is rebuilt. Only pages served by
// `touchbase serve` load this script; a built site never does.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var events = new EventSource("/__touchbase/events");
  events.onmessage = function (e) {
    if (e.data === "reload") window.location.reload();
  };
})();
