// clearance: progressive enhancement. Every page works without this script.
// - Live triage: a form with data-triage="URL" posts itself (with its CSRF token) to URL as the
//   producer answers, and shows the returned HTML in the element named by data-triage-target.
// - Confirmation: a button with data-confirm="question" asks before its form is sent.
(function () {
  "use strict";

  function liveTriage(form) {
    var url = form.getAttribute("data-triage");
    var target = document.getElementById(form.getAttribute("data-triage-target"));
    if (!url || !target) { return; }
    var timer = null;
    var sent = 0;
    function update() {
      var mine = ++sent;
      var body = new URLSearchParams(new FormData(form));
      var csrf = form.querySelector("input[name=csrf]");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf ? csrf.value : "" }
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        // Answers can arrive out of order: show only the newest.
        if (mine === sent) {
          target.innerHTML = html;
          target.setAttribute("data-updated", String(mine));
        }
      }).catch(function () { /* the panel keeps its last answer */ });
    }
    function soon() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(update, 120);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
  }

  function confirmations() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
      if (button && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-triage]");
    for (var i = 0; i < forms.length; i++) { liveTriage(forms[i]); }
    confirmations();
  });
})();
