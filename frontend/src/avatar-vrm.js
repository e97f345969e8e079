// 3D VRM avatar (three.js + @pixiv/three-vrm). Imported lazily by the talk page only
// when the persona has a VRM file, so the default page never downloads three.js.
// Same interface as CanvasAvatar: setState({viseme, weight, emotion, intensity}), draw(t).

import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { VRMLoaderPlugin, VRMUtils } from "@pixiv/three-vrm";
import { Blinker } from "./blink.js";

// Protocol viseme -> VRM expression presets (weights). Consonants borrow vowel shapes:
// VRM has no closed-lips or f/v preset, so pp closes the mouth and ff/ss show a slit.
export const VISEME_TO_VRM = {
  sil: {},
  aa: { aa: 1 },
  ih: { ih: 1 },
  ou: { ou: 1 },
  ee: { ee: 1 },
  oh: { oh: 1 },
  pp: {},
  ff: { ih: 0.35 },
  ss: { ih: 0.55, ee: 0.2 },
};
export const EMOTION_TO_VRM = {
  neutral: "neutral",
  joy: "happy",
  relaxed: "relaxed",
  sad: "sad",
  angry: "angry",
  surprised: "surprised",
};
const MOUTH_PRESETS = ["aa", "ih", "ou", "ee", "oh"];
const EMOTION_PRESETS = ["happy", "sad", "angry", "surprised", "relaxed", "neutral"];

export async function loadVrmAvatar(canvas, url) {
  const renderer = new THREE.WebGLRenderer({ canvas, alpha: true, antialias: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(30, 1, 0.1, 20);
  camera.position.set(0, 1.35, 1.6);
  camera.lookAt(0, 1.3, 0);
  scene.add(new THREE.AmbientLight(0xffffff, 0.9));
  const light = new THREE.DirectionalLight(0xffffff, 1.2);
  light.position.set(1, 2, 2);
  scene.add(light);

  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const gltf = await loader.loadAsync(url);
  const vrm = gltf.userData.vrm;
  if (!vrm) throw new Error("The file is not a VRM model.");
  VRMUtils.rotateVRM0(vrm); // VRM 0.x faces -Z; turn it toward the camera
  scene.add(vrm.scene);
  return new VrmAvatar(renderer, scene, camera, vrm);
}

class VrmAvatar {
  constructor(renderer, scene, camera, vrm) {
    Object.assign(this, { renderer, scene, camera, vrm });
    this.weights = Object.fromEntries([...MOUTH_PRESETS, ...EMOTION_PRESETS, "blink"].map((k) => [k, 0]));
    this.target = { viseme: "sil", weight: 0, emotion: "neutral", intensity: 0 };
    this.last = 0;
    this.blinker = new Blinker(2);
  }

  setState(state) {
    this.target = state;
  }

  draw(t) {
    const { renderer, camera, vrm } = this;
    const canvas = renderer.domElement;
    const w = canvas.clientWidth || 320;
    const h = canvas.clientHeight || 320;
    if (canvas.width !== Math.round(w * renderer.getPixelRatio())) {
      renderer.setSize(w, h, false);
      camera.aspect = w / h;
      camera.updateProjectionMatrix();
    }
    const goal = Object.fromEntries(Object.keys(this.weights).map((k) => [k, 0]));
    const mouth = VISEME_TO_VRM[this.target.viseme] || {};
    for (const [k, v] of Object.entries(mouth)) goal[k] = v * (this.target.weight ?? 1);
    const preset = EMOTION_TO_VRM[this.target.emotion] || "neutral";
    goal[preset] = preset === "neutral" ? 1 : Math.max(0.4, this.target.intensity ?? 1);
    goal.blink = this.blinker.amount(t);
    const manager = vrm.expressionManager;
    for (const k of Object.keys(this.weights)) {
      // Mouth moves fast, the mood drifts: expressions ease at different speeds.
      const speed = k === "blink" ? 1 : MOUTH_PRESETS.includes(k) ? 0.5 : 0.1;
      this.weights[k] += (goal[k] - this.weights[k]) * speed;
      if (manager && manager.getExpression(k)) manager.setValue(k, this.weights[k]);
    }
    const head = vrm.humanoid && vrm.humanoid.getNormalizedBoneNode("head");
    if (head) {
      head.rotation.y = Math.sin(t * 0.6) * 0.06;
      head.rotation.z = Math.sin(t * 0.9) * 0.03;
    }
    const delta = this.last ? t - this.last : 0;
    this.last = t;
    vrm.update(delta);
    renderer.render(this.scene, camera);
  }

  // For window.__talk: the expression values three-vrm holds, and the morph target
  // influences they produced on the meshes (what the GPU actually draws).
  debugWeights() {
    const manager = this.vrm.expressionManager;
    if (!manager) return {};
    return Object.fromEntries(manager.expressions.map((e) => [e.expressionName, manager.getValue(e.expressionName)]));
  }

  debugMorphs() {
    const influences = [];
    this.vrm.scene.traverse((object) => {
      if (object.morphTargetInfluences) influences.push(...object.morphTargetInfluences);
    });
    return influences;
  }

  dispose() {
    VRMUtils.deepDispose(this.vrm.scene);
    this.renderer.dispose();
  }
}
