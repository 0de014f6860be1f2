/* Search page: the facets are closed on phones and open on desktop, where they sit beside the results.
   Loaded right after the facets element (not deferred), so the box never flashes open on a phone. */
(function () {
  'use strict';
  var box = document.getElementById('search-facets');
  if (box && window.matchMedia && !window.matchMedia('(min-width: 760px)').matches) { box.open = false; }
})();
