// The archive import's status page reloads itself until the import has finished (the template
// loads this file only then). A file rather than an inline script, for Content Security Policies.
setTimeout(function () {
  window.location.reload();
}, 2000);
