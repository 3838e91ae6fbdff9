// API reference page (developer portal): starts Scalar's bundle (served by the plane, as scalar.js) on the stored
// OpenAPI document, with everything that would reach an outside service switched off.
(function () {
  'use strict';
  // Not id="api-reference": Scalar's bundle mounts a second reference, with its defaults (web fonts from
  // fonts.scalar.com), on any element with that id by itself.
  var element = document.getElementById('portal-reference');
  if (!element || !window.Scalar) { return; }
  var configuration = {
    url: element.dataset.url,
    withDefaultFonts: false,      // no fonts from fonts.scalar.com: system fonts
    telemetry: false,
    hideClientButton: true,       // the client opens Scalar's hosted app
    showDeveloperTools: 'never',
    agent: { disabled: true },    // the AI agent calls api.scalar.com
    mcp: { disabled: true },
  };
  if (element.dataset.server) {
    // Requests from "Test Request" go through the gateway, as try-it's do (never through Scalar's proxy).
    configuration.servers = [{ url: element.dataset.server, description: 'Gateway' }];
  }
  window.Scalar.createApiReference(element, configuration);
}());
