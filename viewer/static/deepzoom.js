/* Deep zoom on the item page: OpenSeadragon over the IIIF Image API (info.json). */
(function () {
  'use strict';
  var element = document.getElementById('deepzoom');
  if (!element || !window.OpenSeadragon) { return; }
  var ids = JSON.parse(element.dataset.images || '[]');
  var strings = JSON.parse(element.dataset.strings || '{}');  // button labels in the page's language
  Object.keys(strings).forEach(function (key) { OpenSeadragon.setString(key, strings[key]); });
  var root = element.dataset.root || '';  /* the site's sub-path, e.g. /museum */
  var sources = ids.map(function (id) { return root + '/iiif/3/' + id + '/info.json'; });
  var viewer = OpenSeadragon({
    element: element,
    prefixUrl: root + '/vendor/openseadragon/images/',
    tileSources: sources,
    sequenceMode: sources.length > 1,
    showNavigator: window.innerWidth > 600,
    navigatorPosition: 'BOTTOM_RIGHT',
    showRotationControl: true,
    gestureSettingsTouch: { pinchRotate: true },
    crossOriginPolicy: 'Anonymous',
    maxZoomPixelRatio: 2
  });
  window.jinshiViewer = viewer;
  viewer.addHandler('open', function () { element.dataset.state = 'open'; });
  viewer.addHandler('tile-loaded', function () { element.dataset.tilesLoaded = 'yes'; });
  viewer.addHandler('open-failed', function () { element.dataset.state = 'failed'; });
  Array.prototype.forEach.call(document.querySelectorAll('.image-strip button'), function (button) {
    button.addEventListener('click', function () { viewer.goToPage(parseInt(button.dataset.page, 10)); });
  });
})();
