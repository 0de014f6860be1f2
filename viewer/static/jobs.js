/* An ingest job's page: polls its state, shows each file's result and reason, replaces a failed file. */
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) return;
  var t = JSON.parse(document.getElementById("job-strings").textContent);
  var tbody = document.getElementById("job-files");
  var csrf = root.dataset.csrf;
  var timer = null;

  function cell(row, text) {
    var td = document.createElement("td");
    if (text !== undefined && text !== null) td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render(job) {
    root.dataset.state = job.state;
    var state = document.getElementById("job-state");
    state.textContent = t[job.state] || job.state;
    state.className = "job-state job-state-" + job.state;
    document.getElementById("job-progress").textContent = job.progress + " " + t["of"] + " " + job.total + " " + t["files processed"];
    var bar = document.getElementById("job-bar");
    bar.max = Math.max(job.total, 1);
    bar.value = job.progress;
    var error = document.getElementById("job-error");
    error.hidden = !job.error;
    error.textContent = job.error ? t["The job stopped:"] + " " + job.error : "";
    tbody.textContent = "";
    job.files.forEach(function (file) {
      var row = document.createElement("tr");
      row.dataset.status = file.status;
      cell(row, file.file || "");
      cell(row, t[file.status] || file.status);
      var item = cell(row);
      if (file.item) {
        var link = document.createElement("a");
        link.href = "/items/" + encodeURIComponent(file.item);
        link.textContent = file.item;
        item.appendChild(link);
      }
      var reason = cell(row, file.error || "");
      // an upload job is run again with the failed file replaced; a file replacement is chosen again on the item's form
      if (job.kind === "ingest" && file.status === "failed" && file.file && (job.state === "done" || job.state === "failed")) {
        reason.appendChild(replaceControl(file.file));
      }
      tbody.appendChild(row);
    });
    var publish = document.getElementById("job-publish");
    if (publish) publish.hidden = !(job.state === "done" && job.files.some(function (f) { return f.status === "ingested" || f.status === "unchanged"; }));
  }

  function replaceControl(path) {
    var name = path.split("/").pop();
    var wrap = document.createElement("div");
    wrap.className = "job-replace";
    var label = document.createElement("label");
    label.className = "button secondary";
    label.textContent = t["Replace this file"];
    var input = document.createElement("input");
    input.type = "file";
    input.className = "visually-hidden";
    input.setAttribute("aria-label", t["Replace this file"] + ": " + name);
    input.dataset.replace = name;
    label.appendChild(input);
    var note = document.createElement("span");
    note.setAttribute("role", "status");
    wrap.appendChild(label);
    wrap.appendChild(note);
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      note.textContent = t["Uploading the replacement…"];
      replace(name, input.files[0], note);
    });
    return wrap;
  }

  function replace(name, file, note) {
    var uppy = new Uppy.Uppy({ autoProceed: true });
    uppy.use(Uppy.Tus, { endpoint: root.dataset.tus, headers: { "X-CSRFToken": csrf }, chunkSize: 8 * 1024 * 1024, retryDelays: [0, 1000, 3000] });
    uppy.on("upload-error", function (_file, error) { note.textContent = t["Could not replace the file:"] + " " + error; });
    uppy.on("upload-success", function (_file, response) {
      var body = { replace: {} };
      body.replace[name] = response.uploadURL;
      fetch(root.dataset.retry, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" }
      }).then(function (r) {
        return r.json().then(function (answer) {
          if (r.status !== 202) throw new Error((answer.problems || [answer.message || answer.error]).join("; "));
          note.textContent = t["The replacement is uploaded; the job runs again for it."];
          poll();
        });
      }).catch(function (error) { note.textContent = t["Could not replace the file:"] + " " + error.message; });
    });
    // the replacement takes the name the batch (or its CSV) gives the file
    uppy.addFile({ name: name, type: file.type, data: file, source: "replace" });
  }

  function poll() {
    clearTimeout(timer);
    fetch(root.dataset.api, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        render(job);
        if (job.state === "queued" || job.state === "running") timer = setTimeout(poll, 1000);
      })
      .catch(function () { timer = setTimeout(poll, 3000); });
  }
  poll();
})();
