/* IIIF Content State on the item page.
   1. Opening: the server read ?iiif-content= and put the place in #content-state (numbers only);
      this zooms the deep-zoom viewer to the region, seeks a recording to the moment, or turns a
      3D model to the camera orbit.
   2. For curators: "QR for this detail" reads the current view and asks the server for its link and QR code. */
(function () {
  'use strict';

  function mediaOf(kind, index) {
    var selector = kind === 'model' ? 'model-viewer' : kind;
    return document.querySelectorAll('.item-media ' + selector)[index || 0] || null;
  }

  function seek(media, seconds) {
    var go = function () {
      try { media.currentTime = seconds; } catch (e) { /* not seekable yet */ }
      media.dataset.contentState = 'applied';
    };
    if (media.readyState >= 1) go(); else media.addEventListener('loadedmetadata', go, { once: true });
  }

  function zoom(target, holder) {
    var viewer = window.jinshiViewer;
    if (!viewer) return;
    var x = target.xywh[0], y = target.xywh[1], w = target.xywh[2], h = target.xywh[3];
    var fit = function () {
      var image = viewer.world.getItemAt(0);
      if (!image) return;
      viewer.viewport.fitBounds(image.imageToViewportRectangle(x, y, w, h), true);
      holder.dataset.applied = 'yes';
    };
    var page = target.index || 0;
    if (viewer.world.getItemCount() > 0 && (!viewer.sequenceMode || viewer.currentPage() === page)) {
      fit();
    } else {
      viewer.addOnceHandler('open', fit);
      if (viewer.sequenceMode && page > 0) {
        if (viewer.world.getItemCount() > 0) viewer.goToPage(page);
        else viewer.addOnceHandler('open', function () { viewer.goToPage(page); viewer.addOnceHandler('open', fit); });
      }
    }
  }

  function open() {
    var holder = document.getElementById('content-state');
    if (!holder) return;
    var target;
    try { target = JSON.parse(holder.dataset.target || 'null'); } catch (e) { return; }
    if (!target) return;
    if (target.kind === 'image' && target.xywh) {
      zoom(target, holder);
    } else if ((target.kind === 'video' || target.kind === 'audio') && typeof target.t === 'number') {
      var media = mediaOf(target.kind, target.index);
      if (media) { seek(media, target.t); holder.dataset.applied = 'yes'; }
    } else if (target.kind === 'model' && target.orbit) {
      var model = mediaOf('model', target.index);
      if (model) {
        model.setAttribute('camera-orbit', target.orbit);
        if (model.scrollIntoView) model.scrollIntoView({ block: 'center' });
        holder.dataset.applied = 'yes';
      }
    }
  }

  function degrees(radians) { return (radians * 180 / Math.PI).toFixed(2); }

  /* The view the curator is looking at, as the server's query arguments (or null). */
  function currentView(kind, index) {
    if (kind === 'image') {
      var viewer = window.jinshiViewer;
      var image = viewer && viewer.world.getItemAt(0);
      if (!image) return null;
      var size = image.getContentSize();
      var rect = image.viewportToImageRectangle(viewer.viewport.getBounds(true));
      var left = Math.max(0, Math.round(rect.x)), top = Math.max(0, Math.round(rect.y));
      var right = Math.min(size.x, Math.round(rect.x + rect.width)), bottom = Math.min(size.y, Math.round(rect.y + rect.height));
      return { kind: 'image', index: viewer.sequenceMode ? viewer.currentPage() : 0,
               xywh: [left, top, Math.max(1, right - left), Math.max(1, bottom - top)].join(',') };
    }
    var element = mediaOf(kind, index);
    if (!element) return null;
    if (kind === 'model') {
      if (!element.getCameraOrbit) return null;
      var orbit = element.getCameraOrbit();
      return { kind: kind, index: index, orbit: degrees(orbit.theta) + 'deg ' + degrees(orbit.phi) + 'deg ' + orbit.radius.toFixed(3) + 'm' };
    }
    return { kind: kind, index: index, t: element.currentTime.toFixed(2) };
  }

  function tool() {
    var box = document.querySelector('details.detail-qr');
    if (!box) return;
    var result = box.querySelector('.detail-result');
    var error = box.querySelector('.detail-error');
    Array.prototype.forEach.call(box.querySelectorAll('button[data-kind]'), function (button) {
      button.addEventListener('click', function () {
        var view = currentView(button.dataset.kind, parseInt(button.dataset.index || '0', 10));
        error.hidden = true;
        if (!view) { error.textContent = button.textContent + ' …'; error.hidden = false; return; }
        view.lang = box.dataset.lang;
        var query = Object.keys(view).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(view[k]); }).join('&');
        fetch(box.dataset.endpoint + '?' + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
          .then(function (response) {
            return response.json().then(function (body) {
              if (!response.ok) throw new Error(body.message || response.statusText);
              return body;
            });
          })
          .then(function (body) {
            var link = result.querySelector('.detail-link');
            link.href = body.url;
            link.textContent = body.url;
            result.querySelector('img').src = body.qr;
            result.hidden = false;
            box.dataset.url = body.url;
          })
          .catch(function (problem) { error.textContent = problem.message; error.hidden = false; });
      });
    });
  }

  function init() { open(); tool(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
