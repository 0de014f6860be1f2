/* Video and audio on item pages: a clickable, self-highlighting transcript, chapters,
   a seekable waveform, and ?t=SECONDS (from search hits and QR labels) to start at a moment. */
(function () {
  "use strict";

  function seek(media, seconds) {
    if (!isFinite(seconds)) return;
    var go = function () {
      try { media.currentTime = Math.max(0, seconds); } catch (e) { /* not seekable yet */ }
    };
    if (media.readyState >= 1) go(); else media.addEventListener("loadedmetadata", go, { once: true });
  }

  function setup(section) {
    var media = section.querySelector("video, audio");
    if (!media) return;
    var panel = section.querySelector(".transcript");
    var cues = Array.prototype.slice.call(section.querySelectorAll("button.cue"));
    var data = cues.map(function (button) {
      return { button: button, start: parseFloat(button.dataset.start), end: parseFloat(button.dataset.end) };
    });
    var current = [];

    cues.forEach(function (button) {
      button.addEventListener("click", function () {
        seek(media, parseFloat(button.dataset.start));
        var playing = media.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stay paused at the cue */ });
        highlight();
      });
    });

    function visibleList(button) {
      var list = button.closest("ol");
      return !list || !list.hidden;
    }

    function highlight() {
      var t = media.currentTime;
      var now = data.filter(function (cue) { return t >= cue.start && t < cue.end; });
      current.forEach(function (cue) {
        if (now.indexOf(cue) < 0) {
          cue.button.classList.remove("is-current");
          cue.button.removeAttribute("aria-current");
        }
      });
      now.forEach(function (cue) {
        if (current.indexOf(cue) >= 0) return;
        cue.button.classList.add("is-current");
        cue.button.setAttribute("aria-current", "true");
        // keep the current line in view inside the panel without scrolling the page
        var list = cue.button.closest(".cues");
        if (list && visibleList(cue.button) && !list.matches(":hover")) {
          var top = cue.button.offsetTop - list.offsetTop;
          if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - cue.button.offsetHeight) {
            list.scrollTop = Math.max(0, top - list.clientHeight / 3);
          }
        }
      });
      current = now;
      var progress = section.querySelector(".waveform-progress");
      if (progress && media.duration) progress.style.width = (100 * t / media.duration).toFixed(2) + "%";
    }

    media.addEventListener("timeupdate", highlight);
    media.addEventListener("seeked", highlight);

    // transcript language buttons
    var langButtons = section.querySelectorAll("[data-transcript-lang]");
    Array.prototype.forEach.call(langButtons, function (button) {
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(section.querySelectorAll("[data-transcript]"), function (list) {
          list.hidden = list.dataset.transcript !== button.dataset.transcriptLang;
        });
        Array.prototype.forEach.call(langButtons, function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      });
    });

    // the waveform seeks where it is clicked
    var wave = section.querySelector("[data-waveform]");
    if (wave) {
      wave.addEventListener("click", function (event) {
        var box = wave.getBoundingClientRect();
        if (media.duration) seek(media, media.duration * (event.clientX - box.left) / box.width);
      });
    }

    var start = parseFloat(media.dataset.start);
    if (start > 0) seek(media, start);
    if (panel) panel.dataset.ready = "yes";
    section.dataset.ready = "yes";
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-av]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
