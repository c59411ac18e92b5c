// The help desk's kiosk page: "Print" prints the badge PDF shown in the frame on the
// desk's printer; where the browser cannot print a frame's PDF, the PDF opens instead
// (its viewer has its own print button).
(function () {
  "use strict";
  var button = document.getElementById("print-badge");
  var frame = document.getElementById("badge-pdf");
  if (!button || !frame) {
    return;
  }
  button.addEventListener("click", function () {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } catch (error) {
      window.open(button.dataset.pdf, "_blank", "noopener");
    }
  });
})();
