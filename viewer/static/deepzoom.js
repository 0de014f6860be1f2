/* Deep zoom on the item page: OpenSeadragon over the IIIF Image API (info.json).
   The page shows a still image first; the viewer takes its place once its first tile is drawn. The controls are the
   page's own buttons (always visible, also on touch screens, in the page's language), so OpenSeadragon loads none
   of its button images. */
(function () {
  'use strict';
  var element = document.getElementById('deepzoom');
  if (!element || !window.OpenSeadragon) { return; }
  var ids = JSON.parse(element.dataset.images || '[]');
  var strings = JSON.parse(element.dataset.strings || '{}');  // tooltips in the page's language
  Object.keys(strings).forEach(function (key) { OpenSeadragon.setString(key, strings[key]); });
  var root = element.dataset.root || '';  /* the site's sub-path, e.g. /museum */
  var sources = ids.map(function (id) { return root + '/iiif/3/' + id + '/info.json'; });
  var many = sources.length > 1;
  var viewer = OpenSeadragon({
    element: element,
    tileSources: sources,
    sequenceMode: many,
    showSequenceControl: many,
    showNavigator: window.innerWidth > 600,
    navigatorPosition: 'BOTTOM_RIGHT',
    zoomInButton: 'dz-zoom-in',
    zoomOutButton: 'dz-zoom-out',
    homeButton: 'dz-home',
    fullPageButton: 'dz-full',
    previousButton: many ? 'dz-previous' : null,
    nextButton: many ? 'dz-next' : null,
    showRotationControl: false,  // its buttons would be OpenSeadragon's images; ours turns by a quarter
    autoHideControls: false,
    gestureSettingsTouch: { pinchRotate: true },
    crossOriginPolicy: 'Anonymous',
    maxZoomPixelRatio: 2
  });
  window.jinshiViewer = viewer;
  var rotate = document.getElementById('dz-rotate');
  if (rotate) {
    rotate.addEventListener('click', function () { viewer.viewport.setRotation(viewer.viewport.getRotation() + 90); });
  }
  var still = element.querySelector('.deepzoom-still');
  viewer.addHandler('open', function () { element.dataset.state = 'open'; });
  viewer.addHandler('tile-loaded', function () {
    element.dataset.tilesLoaded = 'yes';
    // the first tile is drawn on the next frames ('tile-drawn' is only raised by the canvas drawer)
    if (still) {
      var old = still;
      still = null;
      window.setTimeout(function () { old.remove(); element.dataset.still = 'replaced'; }, 150);
    }
  });
  viewer.addHandler('open-failed', function () { element.dataset.state = 'failed'; });

  // the strip of images: the current one is marked, arrow keys move along it (one tab stop, roving tabindex)
  var buttons = Array.prototype.slice.call(document.querySelectorAll('.image-strip button'));
  function mark(page) {
    buttons.forEach(function (button, index) {
      if (index === page) { button.setAttribute('aria-current', 'true'); button.tabIndex = 0; }
      else { button.removeAttribute('aria-current'); button.tabIndex = -1; }
    });
  }
  viewer.addHandler('page', function (event) { mark(event.page); });
  buttons.forEach(function (button, index) {
    button.addEventListener('click', function () { viewer.goToPage(index); });
    button.addEventListener('keydown', function (event) {
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      var target = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 :
        step ? Math.min(buttons.length - 1, Math.max(0, index + step)) : null;
      if (target === null) { return; }
      event.preventDefault();
      viewer.goToPage(target);
      buttons[target].focus();
    });
  });
})();
