/* Runs in the walk page's <head>, before the list of objects is drawn: when the room can be shown
   (WebGL 2, no request for reduced motion) the list is hidden from the start, so its pictures are not
   fetched while the room loads. walk.js shows the list again if anything fails. */
(function () {
  'use strict';
  var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var gl = false;
  try { gl = !!(window.WebGL2RenderingContext && document.createElement('canvas').getContext('webgl2')); } catch (e) { gl = false; }
  document.documentElement.dataset.walk = reduced ? 'reduced-motion' : (gl ? 'room' : 'no-webgl');
})();
