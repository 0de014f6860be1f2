/* The walk-through hall: draws the room that walk.json describes (exhibits/walk.py decides everything).
   The page starts as a plain list of the hall's objects; it is replaced by the room only when WebGL 2
   works and the visitor has not asked for reduced motion. Textures load after the room is shown:
   small images first, then larger ones near the visitor. */
const element = document.getElementById('walk');

// walk-check.js (in the head) decided whether the room can be shown
const verdict = document.documentElement.dataset.walk;
if (element && verdict === 'room') {
  start().catch((problem) => {
    element.dataset.mode = 'list';
    element.dataset.error = String(problem && problem.message || problem);
    document.documentElement.dataset.walk = 'failed';
    element.querySelector('.walk-stage').hidden = true;
    element.querySelector('.walk-help').hidden = true;
  });
} else if (element) {
  element.dataset.mode = 'list';
  element.dataset.reason = verdict || 'no-webgl';
}

async function start() {
  const stage = element.querySelector('.walk-stage');
  const list = element.querySelector('.walk-list');
  const help = element.querySelector('.walk-help');
  element.dataset.mode = 'loading';
  stage.hidden = false;
  const [THREE, room] = await Promise.all([
    import(element.dataset.three),
    fetch(element.dataset.room, { headers: { Accept: 'application/json' } }).then((r) => {
      if (!r.ok) throw new Error('walk.json: ' + r.status);
      return r.json();
    }),
  ]);

  const renderer = new THREE.WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  const canvas = renderer.domElement;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', room.title);
  canvas.tabIndex = 0;
  stage.replaceChildren(canvas);
  help.hidden = false;

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xede6da);
  const camera = new THREE.PerspectiveCamera(62, 1, 0.05, 200);
  scene.add(new THREE.HemisphereLight(0xfffdf8, 0xd9cfbf, 2.0));
  scene.add(new THREE.AmbientLight(0xfff8ee, 0.7));
  const sun = new THREE.DirectionalLight(0xfff3e0, 0.7);
  sun.position.set(3, 10, 6);
  scene.add(sun);

  const clickable = [];
  const byId = new Map();
  const height = room.height;

  // -- the room: floor, ceiling, walls -----------------------------------------------------------
  const wallMaterial = new THREE.MeshStandardMaterial({ color: 0xf3eee6, roughness: 0.95 });
  const skirting = new THREE.MeshStandardMaterial({ color: 0x5b4636, roughness: 0.8 });
  const floorMaterial = new THREE.MeshStandardMaterial({ map: planks(THREE), roughness: 0.85 });
  const ceilingMaterial = new THREE.MeshBasicMaterial({ color: 0xe9e3d9 });

  function wallBox(x1, z1, x2, z2, bottom = 0, top = height) {
    const length = Math.hypot(x2 - x1, z2 - z1);
    if (length < 0.01) return;
    const wall = new THREE.Mesh(new THREE.BoxGeometry(length, top - bottom, 0.2), wallMaterial);
    // the wall's inner face is on the line the room was planned on (exhibits hang 4 cm in front of it)
    let nx = -(z2 - z1) / length, nz = (x2 - x1) / length;
    const mx = (x1 + x2) / 2, mz = (z1 + z2) / 2;
    if (nx * mx + nz * mz < 0) { nx = -nx; nz = -nz; }
    wall.position.set(mx + nx * 0.1, (top + bottom) / 2, mz + nz * 0.1);
    wall.rotation.y = -Math.atan2(z2 - z1, x2 - x1);
    scene.add(wall);
    if (bottom === 0) {
      const base = new THREE.Mesh(new THREE.BoxGeometry(length, 0.12, 0.24), skirting);
      base.position.set(wall.position.x, 0.06, wall.position.z);
      base.rotation.y = wall.rotation.y;
      scene.add(base);
    }
  }

  if (room.walls.shape === 'ring') {
    const r = room.walls.radius;
    const floor = new THREE.Mesh(new THREE.CircleGeometry(r + 0.2, 64), floorMaterial);
    floor.rotation.x = -Math.PI / 2;
    floorMaterial.map.repeat.set(r / 2, r / 2);
    scene.add(floor);
    const ceiling = new THREE.Mesh(new THREE.CircleGeometry(r + 0.2, 64), ceilingMaterial);
    ceiling.rotation.x = Math.PI / 2;
    ceiling.position.y = height;
    scene.add(ceiling);
    const door = 2.4 / r;
    const wall = new THREE.Mesh(new THREE.CylinderGeometry(r, r, height, 96, 1, true, door / 2, 2 * Math.PI - door),
      new THREE.MeshStandardMaterial({ color: 0xf3eee6, roughness: 0.95, side: THREE.BackSide }));
    wall.position.y = height / 2;
    scene.add(wall);
  } else {
    const w = room.walls.width / 2, d = room.walls.depth / 2, door = room.walls.door / 2;
    const floor = new THREE.Mesh(new THREE.PlaneGeometry(room.walls.width + 0.4, room.walls.depth + 0.4), floorMaterial);
    floor.rotation.x = -Math.PI / 2;
    floorMaterial.map.repeat.set(room.walls.width / 4, room.walls.depth / 4);
    scene.add(floor);
    const ceiling = new THREE.Mesh(new THREE.PlaneGeometry(room.walls.width, room.walls.depth), ceilingMaterial);
    ceiling.rotation.x = Math.PI / 2;
    ceiling.position.y = height;
    scene.add(ceiling);
    wallBox(-w, -d, w, -d);
    wallBox(-w, -d, -w, d);
    wallBox(w, -d, w, d);
    wallBox(-w, d, -door, d);
    wallBox(door, d, w, d);
    wallBox(-door, d, door, d, 2.6, height);
    // soft light panels along the ceiling
    const panel = new THREE.MeshBasicMaterial({ color: 0xfffdf7 });
    for (let z = -d + 2; z < d - 1; z += 4) {
      const strip = new THREE.Mesh(new THREE.PlaneGeometry(Math.max(1, room.walls.width - 3), 0.35), panel);
      strip.rotation.x = Math.PI / 2;
      strip.position.set(0, height - 0.01, z);
      scene.add(strip);
    }
  }

  // -- exhibits ---------------------------------------------------------------------------------
  const placeholder = new THREE.MeshBasicMaterial({ color: 0xd8d0c2 });
  const frameMaterial = new THREE.MeshStandardMaterial({ color: 0x2e2620, roughness: 0.6 });
  const plinthMaterial = new THREE.MeshStandardMaterial({ color: 0xfaf8f4, roughness: 0.9 });
  const toLoad = [];

  for (const exhibit of room.exhibits) {
    const group = new THREE.Group();
    group.position.set(exhibit.position.x, exhibit.position.y, exhibit.position.z);
    group.rotation.y = exhibit.rotation;
    const w = exhibit.size.w, h = exhibit.size.h;
    let face;
    if (exhibit.mount === 'plinth') {
      const p = room.plinth;
      const plinth = new THREE.Mesh(new THREE.BoxGeometry(p.width, p.height, p.width), plinthMaterial);
      plinth.position.y = p.height / 2 - exhibit.position.y;
      group.add(plinth);
      const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ color: 0xd8d0c2 }));
      sprite.scale.set(w, h, 1);
      group.add(sprite);
      face = sprite;
      const tag = labelMesh(THREE, exhibit.label, 0.5);
      tag.position.set(0, 0.72 - exhibit.position.y, p.width / 2 + 0.005);
      group.add(tag);
      register(plinth, exhibit);
      register(tag, exhibit);
    } else {
      const border = exhibit.kind === 'video' ? 0.06 : 0.05;
      const frame = new THREE.Mesh(new THREE.BoxGeometry(w + 2 * border, h + 2 * border, 0.05),
        exhibit.kind === 'video' ? new THREE.MeshStandardMaterial({ color: 0x111111, roughness: 0.4 }) : frameMaterial);
      frame.position.z = 0.025;
      group.add(frame);
      face = new THREE.Mesh(new THREE.PlaneGeometry(w, h), exhibit.image ? placeholder.clone() : new THREE.MeshBasicMaterial({ map: cardTexture(THREE, exhibit.label.title) }));
      face.position.z = 0.052;
      group.add(face);
      const tag = labelMesh(THREE, exhibit.label, 0.56);
      tag.position.set(w / 2 - 0.25 > 0.3 ? w / 2 - 0.25 : 0, -h / 2 - 0.22, 0.03);
      group.add(tag);
      register(frame, exhibit);
      register(tag, exhibit);
    }
    register(face, exhibit);
    scene.add(group);
    byId.set(exhibit.id, { exhibit, face, group, level: 0 });
    if (exhibit.image) toLoad.push(exhibit.id);
  }

  for (const sign of room.signs) {
    const mesh = signMesh(THREE, sign.title);
    mesh.position.set(sign.position.x, sign.position.y, sign.position.z);
    mesh.rotation.y = sign.rotation;
    scene.add(mesh);
  }

  function register(mesh, exhibit) {
    mesh.userData.exhibit = exhibit.id;
    mesh.userData.url = exhibit.url;
    clickable.push(mesh);
  }

  // -- moving -----------------------------------------------------------------------------------
  const eye = 1.6;
  const state = { x: room.spawn.x, z: room.spawn.z, yaw: room.spawn.yaw, pitch: -0.04 };
  const keys = new Set();
  let dirty = true;

  function place() {
    const b = room.bounds;
    if (b.shape === 'circle') {
      const r = Math.hypot(state.x, state.z);
      if (r > b.r) { state.x *= b.r / r; state.z *= b.r / r; }
    } else {
      state.x = Math.min(b.maxX, Math.max(b.minX, state.x));
      state.z = Math.min(b.maxZ, Math.max(b.minZ, state.z));
    }
    for (const o of room.obstacles) {
      const dx = state.x - o.x, dz = state.z - o.z, dist = Math.hypot(dx, dz);
      if (dist < o.r && dist > 1e-6) { state.x = o.x + dx * o.r / dist; state.z = o.z + dz * o.r / dist; }
    }
    state.pitch = Math.max(-1.2, Math.min(1.2, state.pitch));
    camera.position.set(state.x, eye, state.z);
    camera.rotation.set(state.pitch, state.yaw, 0, 'YXZ');
    dirty = true;
  }

  function walk(forward, sideways) {
    state.x += -Math.sin(state.yaw) * forward + Math.cos(state.yaw) * sideways;
    state.z += -Math.cos(state.yaw) * forward - Math.sin(state.yaw) * sideways;
    place();
  }

  const KEYS = { ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1, w: 1, a: 1, s: 1, d: 1, W: 1, A: 1, S: 1, D: 1 };
  canvas.addEventListener('keydown', (event) => {
    if (KEYS[event.key]) { keys.add(event.key.toLowerCase()); event.preventDefault(); }
  });
  canvas.addEventListener('keyup', (event) => keys.delete(event.key.toLowerCase()));
  canvas.addEventListener('blur', () => keys.clear());

  const pointers = new Map();
  let dragged = 0, pinch = 0;
  canvas.addEventListener('pointerdown', (event) => {
    canvas.focus({ preventScroll: true });
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 1) dragged = 0;
    if (pointers.size === 2) pinch = spread();
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const dx = event.clientX - last.x, dy = event.clientY - last.y;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 1) {
      dragged += Math.abs(dx) + Math.abs(dy);
      state.yaw += dx * 0.005;
      state.pitch += dy * 0.004;
      place();
    } else if (pointers.size === 2) {
      const now = spread();
      walk((now - pinch) * 0.02, 0);
      pinch = now;
      dragged += 10;
    }
  });
  function release(event) {
    const was = pointers.size;
    pointers.delete(event.pointerId);
    if (was === 1 && event.type === 'pointerup' && dragged < 8) open(event.clientX, event.clientY);
  }
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
  canvas.addEventListener('wheel', (event) => { event.preventDefault(); walk(-event.deltaY * 0.004, 0); }, { passive: false });
  function spread() {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  const raycaster = new THREE.Raycaster();
  function hit(clientX, clientY) {
    const box = canvas.getBoundingClientRect();
    const point = new THREE.Vector2(((clientX - box.left) / box.width) * 2 - 1, -((clientY - box.top) / box.height) * 2 + 1);
    raycaster.setFromCamera(point, camera);
    const found = raycaster.intersectObjects(clickable, false)[0];
    return found && found.distance < 30 ? found.object.userData : null;
  }
  function open(clientX, clientY) {
    const target = hit(clientX, clientY);
    if (target && target.url) window.location.assign(target.url);
  }
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      const box = canvas.getBoundingClientRect();
      open(box.left + box.width / 2, box.top + box.height / 2);
    }
  });

  element.querySelector('.walk-show-list').addEventListener('click', () => list.classList.toggle('is-open'));

  // -- textures, small first, then larger near the visitor ----------------------------------------
  const loader = new THREE.TextureLoader();
  let loaded = 0;
  function texture(url, tries = 3) {
    return new Promise((resolve) => loader.load(url, (t) => { t.colorSpace = THREE.SRGBColorSpace; t.anisotropy = 4; resolve(t); },
      undefined, () => (tries > 1 ? setTimeout(() => texture(url, tries - 1).then(resolve), 1500) : resolve(null))));
  }
  async function upgrade(id, level) {
    const entry = byId.get(id);
    if (!entry || entry.level >= level) return;
    entry.level = level;
    const map = await texture(level === 1 ? entry.exhibit.image.thumb : entry.exhibit.image.url);
    if (!map) return;
    const old = entry.face.material.map;
    entry.face.material.map = map;
    entry.face.material.color.set(0xffffff);
    entry.face.material.needsUpdate = true;
    if (old) old.dispose();
    loaded += 1;
    element.dataset.textures = String(loaded);
    dirty = true;
  }
  async function loadAll() {
    // two at a time: the image server renders a few requests at once and answers 503 beyond that
    for (let i = 0; i < toLoad.length; i += 2) {
      await Promise.all(toLoad.slice(i, i + 2).map((id) => upgrade(id, 1)));
    }
    element.dataset.thumbs = 'yes';
    nearby();
  }
  function nearby() {
    const near = toLoad.map((id) => byId.get(id))
      .map((e) => [Math.hypot(e.exhibit.position.x - state.x, e.exhibit.position.z - state.z), e])
      .filter(([distance, e]) => distance < 9 && e.level < 2)
      .sort((a, b) => a[0] - b[0]).slice(0, 2);
    near.forEach(([, e]) => upgrade(e.exhibit.id, 2));
  }

  // -- the loop, and a hook for tests: where each exhibit is on the screen -----------------------
  function resize() {
    const width = stage.clientWidth, h = Math.max(320, Math.round(stage.clientHeight || width * 0.62));
    renderer.setSize(width, h, false);
    camera.aspect = width / h;
    camera.fov = camera.aspect < 1 ? 78 : 62;  // a phone held upright sees as much of the wall as it can
    camera.updateProjectionMatrix();
    dirty = true;
  }
  new ResizeObserver(resize).observe(stage);
  resize();
  place();

  let last = performance.now(), published = 0, lastNearby = 0;
  function frame(now) {
    const dt = Math.min(0.1, (now - last) / 1000);
    last = now;
    if (keys.size) {
      const speed = 2.2 * dt, turn = 1.6 * dt;
      if (keys.has('arrowup') || keys.has('w')) walk(speed, 0);
      if (keys.has('arrowdown') || keys.has('s')) walk(-speed, 0);
      if (keys.has('a')) walk(0, -speed);
      if (keys.has('d')) walk(0, speed);
      if (keys.has('arrowleft')) { state.yaw += turn; place(); }
      if (keys.has('arrowright')) { state.yaw -= turn; place(); }
    }
    if (dirty) {
      renderer.render(scene, camera);
      dirty = false;
      if (now - published > 200) { publish(); published = now; }
      if (now - lastNearby > 800 && element.dataset.thumbs === 'yes') { nearby(); lastNearby = now; }
    }
    requestAnimationFrame(frame);
  }

  function publish() {
    const box = canvas.getBoundingClientRect();
    const shown = [];
    const vector = new THREE.Vector3();
    for (const [id, entry] of byId) {
      entry.face.getWorldPosition(vector);
      vector.project(camera);
      if (vector.z > 1 || Math.abs(vector.x) > 0.95 || Math.abs(vector.y) > 0.95) continue;
      const x = (vector.x + 1) / 2 * box.width, y = (1 - vector.y) / 2 * box.height;  // in the canvas
      const target = hit(box.left + x, box.top + y);
      if (target && target.exhibit === id) shown.push({ id, url: entry.exhibit.url, x: Math.round(x), y: Math.round(y) });
    }
    element.dataset.onScreen = JSON.stringify(shown);
  }

  requestAnimationFrame(frame);
  element.dataset.mode = 'room';
  loadAll();
}

// -- canvas textures: wooden floor, labels in the visitor's language, section signs --------------
/** A texture drawn on a new width × height canvas by draw(context), in sRGB. */
function canvasTexture(THREE, width, height, draw) {
  const c = document.createElement('canvas');
  c.width = width; c.height = height;
  draw(c.getContext('2d'));
  const t = new THREE.CanvasTexture(c);
  t.colorSpace = THREE.SRGBColorSpace;
  return t;
}

function planks(THREE) {
  const t = canvasTexture(THREE, 512, 512, (g) => {
    const tones = ['#a4825f', '#9c7a57', '#a98864', '#977553', '#a07e5b'];
    for (let i = 0; i < 8; i++) {
      g.fillStyle = tones[i % tones.length];
      g.fillRect(0, i * 64, 512, 64);
      g.fillStyle = 'rgba(60, 40, 20, 0.18)';
      g.fillRect(0, i * 64, 512, 2);
      g.fillRect(((i * 197) % 512), i * 64, 2, 64);
    }
  });
  t.wrapS = t.wrapT = THREE.RepeatWrapping;
  return t;
}

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';

function wrap(g, text, width, lines) {
  const out = [];
  let line = '';
  for (const ch of Array.from(text || '')) {
    if (g.measureText(line + ch).width > width && line) {
      out.push(line);
      line = ch.trim() ? ch : '';
      if (out.length === lines) break;
    } else {
      line += ch;
    }
  }
  if (out.length < lines && line) out.push(line);
  if (out.length === lines && Array.from(out.join('')).length < Array.from(text || '').length) {
    let lastLine = out[lines - 1];
    while (lastLine && g.measureText(lastLine + '…').width > width) lastLine = lastLine.slice(0, -1);
    out[lines - 1] = lastLine + '…';
  }
  return out;
}

function labelMesh(THREE, label, width) {
  const t = canvasTexture(THREE, 512, 200, (g) => {
    g.fillStyle = '#fbf9f5';
    g.fillRect(0, 0, 512, 200);
    g.fillStyle = '#1f1a17';
    g.font = `600 40px ${FONT}`;
    let y = 56;
    for (const line of wrap(g, label.title, 472, 2)) { g.fillText(line, 20, y); y += 48; }
    g.fillStyle = '#5c524a';
    g.font = `28px ${FONT}`;
    for (const line of wrap(g, label.detail, 472, 1)) { g.fillText(line, 20, Math.min(y + 6, 184)); }
  });
  return new THREE.Mesh(new THREE.PlaneGeometry(width, width * 200 / 512), new THREE.MeshBasicMaterial({ map: t }));
}

function cardTexture(THREE, title) {
  return canvasTexture(THREE, 512, 340, (g) => {
    g.fillStyle = '#efe7da';
    g.fillRect(0, 0, 512, 340);
    g.fillStyle = '#7a4a1e';
    g.font = `600 44px ${FONT}`;
    g.textAlign = 'center';
    let y = 150;
    for (const line of wrap(g, title, 440, 3)) { g.fillText(line, 256, y); y += 56; }
  });
}

function signMesh(THREE, title) {
  const t = canvasTexture(THREE, 1024, 160, (g) => {
    g.fillStyle = '#5a3513';
    g.font = `700 84px ${FONT}`;
    g.textAlign = 'center';
    g.fillText(wrap(g, title, 980, 1)[0] || '', 512, 110);
  });
  return new THREE.Mesh(new THREE.PlaneGeometry(2.6, 2.6 * 160 / 1024), new THREE.MeshBasicMaterial({ map: t, transparent: true }));
}
