// The class map: region boundaries as the base layer (no tile server needed),
// an optional tile layer, and a marker per class linking to its page. The
// list below the map stays the accessible way to the same classes.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("class-map");
  if (!box || typeof L === "undefined") return;
  const data = box.dataset;
  box.hidden = false;
  const note = document.querySelector("[data-map-note]");
  if (note) note.hidden = true;

  const origin = [parseFloat(data.lat), parseFloat(data.lon)];
  const map = L.map(box, { preferCanvas: false }).setView(origin, 13);
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
  }
  const you = L.circleMarker(origin, {
    radius: 9, color: "#c2410c", weight: 3, fillOpacity: 0.9,
  }).addTo(map);
  you.bindTooltip(data.youLabel);

  if (data.boundaries) {
    fetch(data.boundaries, { headers: { Accept: "application/geo+json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((geojson) => {
        if (!geojson) return;
        const layer = L.geoJSON(geojson, {
          style: { color: "#0b5394", weight: 1.5, fillColor: "#dfe9f3", fillOpacity: 0.35 },
          onEachFeature: (feature, shape) => shape.bindTooltip(feature.properties.name),
        }).addTo(map);
        layer.bringToBack();
      });
  }

  fetch(data.classes, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { items: [] }))
    .then((body) => {
      const points = [origin];
      for (const item of body.items) {
        const marker = L.circleMarker([item.lat, item.lon], {
          radius: 8, color: "#083b6b", weight: 2, fillColor: "#0b5394", fillOpacity: 0.85,
        }).addTo(map);
        const popup = document.createElement("div");
        popup.className = "map-popup";
        const link = document.createElement("a");
        link.href = data.classUrl.replace("{id}", String(item.id));
        link.textContent = item.course_title;
        const where = document.createElement("p");
        where.textContent = item.center_name +
          (item.distance_km === null ? "" : " · " + item.distance_km.toFixed(1) + "km");
        popup.append(link, where);
        marker.bindPopup(popup);
        points.push([item.lat, item.lon]);
      }
      if (points.length > 1) map.fitBounds(L.latLngBounds(points.slice(0, 11)), { padding: [24, 24] });
    });
});
