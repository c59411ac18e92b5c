// Ask before a destructive or outward-facing action (issue 18, "safe actions").
// A <form data-confirm="What will happen." data-confirm-button="Cancel registration"> is not
// sent at once: a modal <dialog> says what will happen and offers the action and "Go back".
// Escape or "Go back" closes it and changes nothing; focus returns to the button pressed.
// The dialog's own words come from base.html (#confirm-labels, translated on the server).
// Without JavaScript the form is sent as before.
(function () {
  "use strict";
  const labelsNode = document.getElementById("confirm-labels");
  const labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  const confirmed = new WeakSet();
  let dialog = null;
  let pending = null; // { form, submitter }

  function buildDialog() {
    const box = document.createElement("dialog");
    box.className = "confirm-dialog";
    box.id = "confirm-dialog";
    box.setAttribute("aria-labelledby", "confirm-dialog-title");
    box.setAttribute("aria-describedby", "confirm-dialog-text");
    const title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = labels.title || "?";
    const text = document.createElement("p");
    text.id = "confirm-dialog-text";
    const actions = document.createElement("div");
    actions.className = "actions";
    const proceed = document.createElement("button");
    proceed.type = "button";
    proceed.className = "button danger confirm-proceed";
    const back = document.createElement("button");
    back.type = "button";
    back.className = "button confirm-back";
    back.textContent = labels.back || "←";
    actions.append(proceed, back);
    box.append(title, text, actions);
    proceed.addEventListener("click", () => box.close("proceed"));
    back.addEventListener("click", () => box.close("back"));
    box.addEventListener("close", onClose);
    document.body.append(box);
    return box;
  }

  function buttonWords(form, submitter) {
    if (form.dataset.confirmButton) return form.dataset.confirmButton;
    const button = submitter || form.querySelector("[type=submit]");
    return button ? (button.value && button.tagName === "INPUT" ? button.value : button.textContent.trim()) : "OK";
  }

  function ask(form, submitter) {
    dialog = dialog || buildDialog();
    pending = { form, submitter };
    dialog.returnValue = "";
    dialog.querySelector("#confirm-dialog-text").textContent = form.dataset.confirm;
    dialog.querySelector(".confirm-proceed").textContent = buttonWords(form, submitter);
    dialog.showModal();
    // The safe choice has the focus: Enter by mistake goes back, never forward.
    dialog.querySelector(".confirm-back").focus();
  }

  function onClose() {
    const { form, submitter } = pending || {};
    pending = null;
    if (!form) return;
    if (dialog.returnValue === "proceed") {
      confirmed.add(form);
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } else {
        form.submit();
      }
      return;
    }
    const back = submitter || form.querySelector("[type=submit]");
    if (back && document.contains(back)) back.focus();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (confirmed.has(form)) {
      confirmed.delete(form);
      return;
    }
    if (typeof HTMLDialogElement !== "function") return; // an old browser: no question
    event.preventDefault();
    ask(form, event.submitter);
  });
})();
