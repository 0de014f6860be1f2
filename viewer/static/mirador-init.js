/* The Mirador page: one window with the manifest given as ?manifest= (checked by the server). */
(function () {
  'use strict';
  var element = document.getElementById('mirador');
  var manifest = element.dataset.manifest;
  var absolute = manifest ? new URL(manifest, window.location.href).href : null;
  var instance = Mirador.viewer({
    id: 'mirador',
    language: element.dataset.language || 'zh-CN',
    windows: absolute ? [{ manifestId: absolute }] : [],
    window: { allowClose: false }
  });
  window.miradorInstance = instance;

  /* Mirador 4.0 draws a collection's dialog into its window's element, which it looks up while rendering.
     When the collection arrives before that element is in the page (a fast or cached answer), the dialog
     renders nothing and is not drawn again until its state changes: the visitor sees "No item selected"
     instead of the list of manifests. A dialog that is on in the state but has stayed absent from its
     window for two checks in a row is closed and, after the next frame has been drawn, opened again with
     the same arguments, which renders it (both in one frame would be batched into no change at all). */
  var missing = {};
  function reopenLostDialogs() {
    var windows = instance.store.getState().windows || {};
    Object.keys(windows).forEach(function (id) {
      var state = windows[id];
      var container = document.getElementById(id);
      if (!state.collectionDialogOn || !container || container.querySelector('[role="dialog"]')) {
        delete missing[id];
        return;
      }
      missing[id] = (missing[id] || 0) + 1;
      if (missing[id] < 2) return;
      delete missing[id];
      instance.store.dispatch(Mirador.hideCollectionDialog(id));
      window.requestAnimationFrame(function () {
        window.setTimeout(function () {
          instance.store.dispatch(Mirador.showCollectionDialog(
            state.collectionManifestId, state.dialogCollectionPath || [], id));
        }, 0);
      });
    });
  }
  window.setInterval(reopenLostDialogs, 400);
})();
