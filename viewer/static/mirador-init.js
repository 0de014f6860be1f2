/* The Mirador page: one window with the manifest given as ?manifest= (checked by the server). */
(function () {
  'use strict';
  var element = document.getElementById('mirador');
  var manifest = element.dataset.manifest;
  var absolute = manifest ? new URL(manifest, window.location.href).href : null;
  window.miradorInstance = Mirador.viewer({
    id: 'mirador',
    language: element.dataset.language || 'zh-CN',
    windows: absolute ? [{ manifestId: absolute }] : [],
    window: { allowClose: false }
  });
})();
