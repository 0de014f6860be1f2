/* The curator's upload page: Uppy's dashboard uploads over tus, then one click starts the ingest job. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.Uppy) return;
  var places = JSON.parse(document.getElementById("upload-places").textContent);
  var t = JSON.parse(document.getElementById("upload-strings").textContent);
  var museum = document.getElementById("upload-museum");
  var hall = document.getElementById("upload-hall");
  var status = document.getElementById("upload-status");
  var start = document.getElementById("start-ingest");
  var METADATA = /\.(csv|xlsx)$/i;

  function fillHalls() {
    var chosen = places.filter(function (m) { return m.slug === museum.value; })[0];
    hall.textContent = "";
    (chosen ? chosen.halls : []).forEach(function (h) {
      var option = document.createElement("option");
      option.value = h.slug;
      option.textContent = h.title;
      hall.appendChild(option);
    });
  }
  museum.addEventListener("change", fillHalls);
  fillHalls();

  var locale = form.dataset.lang === "zh" && Uppy.locales ? Uppy.locales.zh_CN : undefined;
  var uppy = new Uppy.Uppy({ autoProceed: true, locale: locale, restrictions: { maxFileSize: Number(form.dataset.maxBytes) } });
  uppy.use(Uppy.Dashboard, {
    inline: true, target: "#uppy-dashboard", width: "100%", height: 380, proudlyDisplayPoweredByUppy: false,
    showRemoveButtonAfterComplete: true, fileManagerSelectionType: "files"
  });
  uppy.use(Uppy.Tus, {
    endpoint: form.dataset.tus, headers: { "X-CSRFToken": form.dataset.csrf }, chunkSize: 8 * 1024 * 1024,
    retryDelays: [0, 1000, 3000, 5000], removeFingerprintOnSuccess: true
  });

  function uploaded(file) { return file.response && file.response.uploadURL; }

  function refresh() {
    var files = uppy.getFiles();
    var ready = files.length > 0 && files.every(uploaded);
    start.disabled = !ready;
    status.textContent = ready ? t["Every file is uploaded. Start the ingest when you are ready."] : t["Wait until every file is uploaded."];
    status.classList.remove("form-error");
  }
  ["file-added", "file-removed", "upload-success", "upload-error", "complete"].forEach(function (name) { uppy.on(name, refresh); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = uppy.getFiles().filter(uploaded);
    var sheets = files.filter(function (f) { return METADATA.test(f.name); });
    var body = {
      uploads: files.filter(function (f) { return sheets.indexOf(f) !== 0; }).map(uploaded),
      metadata: sheets.length ? uploaded(sheets[0]) : null,
      museum: museum.value || null, hall: hall.value || null
    };
    start.disabled = true;
    status.textContent = t["Starting the ingest…"];
    fetch(form.dataset.jobs, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.status === 202, answer: answer }; });
    }).then(function (result) {
      if (result.ok) {
        window.location.assign(form.dataset.jobPage.replace(/0$/, String(result.answer.id)));
        return;
      }
      status.classList.add("form-error");
      status.textContent = t["Could not start the ingest:"] + " " + (result.answer.problems || [result.answer.message || result.answer.error]).join("; ");
      start.disabled = false;
    }).catch(function (error) {
      status.classList.add("form-error");
      status.textContent = t["Could not start the ingest:"] + " " + error;
      start.disabled = false;
    });
  });
})();
