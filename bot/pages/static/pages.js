// sipdesk one-time pages: drag-and-drop upload with progress, and copy buttons. The pages work
// without this script too (a plain form post); it only adds checks before sending and progress.
"use strict";

(function () {
  function say(outcome, text, ok) {
    outcome.textContent = text;
    outcome.className = "message " + (ok ? "ok" : "refused");
    outcome.setAttribute("role", ok ? "status" : "alert");
  }

  function megabytes(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  // The same limits the server enforces (bot/pages/bills.py), checked before a byte is sent.
  function refusal(file, maxBytes, accept, kinds) {
    if (!file) return "Choose a file first: a " + kinds + " of your phone bill.";
    var name = file.name.toLowerCase();
    var extOk = accept.some(function (a) { return a.charAt(0) === "." && name.endsWith(a); });
    var typeOk = !file.type || accept.indexOf(file.type) !== -1;
    if (!extOk || !typeOk) {
      return "Only a " + kinds + " can be uploaded, and this file is none of these. " +
        "Save or scan the bill as a PDF, or photograph it, and upload that.";
    }
    if (file.size === 0) return "That file is empty. Choose the " + kinds + " of your phone bill.";
    if (file.size > maxBytes) {
      return "That file is " + megabytes(file.size) + "; the limit is " + megabytes(maxBytes) +
        ". Export the bill's first pages as a PDF, or take a photo of it, and upload that.";
    }
    return null;
  }

  function setUpUpload(form) {
    var input = form.querySelector("#bill");
    var drop = form.querySelector("#drop");
    var chosen = form.querySelector("#chosen");
    var outcome = form.querySelector("#outcome");
    var send = form.querySelector("#send");
    var row = form.querySelector("#progress-row");
    var bar = form.querySelector("#progress");
    var maxBytes = parseInt(form.dataset.maxBytes, 10);
    var accept = form.dataset.accept.split(",");
    var kinds = form.dataset.kinds;
    var dropped = null;

    function current() { return dropped || (input.files && input.files[0]) || null; }
    function show() {
      var file = current();
      chosen.textContent = file ? "Chosen: " + file.name + " (" + megabytes(file.size) + ")" : "";
      outcome.textContent = "";
      outcome.className = "message";
    }

    input.addEventListener("change", function () { dropped = null; show(); });
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length !== 1) {
        say(outcome, "Drop one file: the bill.", false);
        return;
      }
      dropped = files[0];
      show();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = current();
      var problem = refusal(file, maxBytes, accept, kinds);
      if (problem) { say(outcome, problem, false); return; }
      var data = new FormData();
      data.append("csrf", form.querySelector("input[name=csrf]").value);
      data.append("bill", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", window.location.pathname);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          bar.value = pct;
          bar.textContent = pct + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var answer;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        if (!answer) {
          answer = { ok: false, message: xhr.status === 413
            ? "That file is larger than the limit. Export the bill's first pages as a PDF, or take a photo of it, and upload that."
            : "Sorry, something went wrong on our side. Please try again in a few minutes." };
        }
        bar.value = answer.ok ? 100 : 0;
        say(outcome, answer.message, answer.ok);
        if (answer.ok) {
          input.disabled = true;
          send.disabled = true;
          send.textContent = "Uploaded";
        } else {
          send.disabled = false;
          row.hidden = true;
        }
      });
      xhr.addEventListener("error", function () {
        say(outcome, "The upload was interrupted. Check your connection and try again.", false);
        send.disabled = false;
        row.hidden = true;
      });
      send.disabled = true;
      row.hidden = false;
      bar.value = 0;
      xhr.send(data);
    });
  }

  function setUpCopy(button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.copy);
      var status = document.getElementById("copied");
      var text = target.textContent;
      function done() { status.textContent = "Copied to the clipboard."; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { select(target); });
      } else {
        select(target);
        status.textContent = "Selected: press Ctrl+C (or Cmd+C) to copy.";
      }
    });
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    if (form) setUpUpload(form);
    Array.prototype.forEach.call(document.querySelectorAll("button.copy"), setUpCopy);
  });
})();
