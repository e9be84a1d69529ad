// Runs inside the test page (served from an origin other than the relay's, so CORS is exercised): plays the
// HLS URL given as ?src= with hls.js in a muted <video> and records what a viewer and hls.js went through in
// window.playerLog, which the test reads with page.evaluate. Clock: Date.now(), the same one the test uses.
/* global Hls */
const log = { version: Hls.version, supported: Hls.isSupported(), errors: [], playlists: [], loaded: [], buffered: [], samples: [], tracks: [] };
window.playerLog = log;

const video = document.querySelector('video');
const hls = new Hls();
window.hls = hls;

hls.on(Hls.Events.ERROR, (_event, data) => {
  log.errors.push({
    at: Date.now(),
    type: data.type,
    details: data.details,
    fatal: data.fatal,
    sn: data.frag ? data.frag.sn : null,
    message: data.error ? String(data.error.message) : '',
    status: data.response ? data.response.code : null,
  });
});
// Each playlist as hls.js parsed it: the cc it derives for every sn from EXT-X-DISCONTINUITY-SEQUENCE and
// the EXT-X-DISCONTINUITY tags. Read as LEVEL_LOADED is triggered, before hls.js' own handlers merge the
// playlist into the previous one, which silently repairs a discontinuity sequence that is too low.
const trigger = hls.trigger.bind(hls);
hls.trigger = (event, data) => {
  if (event === Hls.Events.LEVEL_LOADED) {
    const { details } = data;
    log.playlists.push({
      at: Date.now(),
      startSN: details.startSN,
      endSN: details.endSN,
      startCC: details.startCC,
      endCC: details.endCC,
      fragments: details.fragments.map((fragment) => [fragment.sn, fragment.cc]),
    });
  }
  return trigger(event, data);
};
hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
  log.loaded.push({ at: Date.now(), sn: data.frag.sn, cc: data.frag.cc, start: data.frag.start, duration: data.frag.duration });
});
// The SourceBuffers hls.js makes ('audio', 'video'): which elementary streams it found in the segments.
hls.on(Hls.Events.BUFFER_CODECS, (_event, data) => {
  for (const [type, track] of Object.entries(data)) if (track && track.codec) log.tracks.push(`${type}:${track.codec}`);
});
hls.on(Hls.Events.FRAG_BUFFERED, (_event, data) => {
  log.buffered.push({ at: Date.now(), sn: data.frag.sn, cc: data.frag.cc });
});

setInterval(() => {
  const quality = video.getVideoPlaybackQuality();
  log.samples.push({
    at: Date.now(),
    currentTime: video.currentTime,
    readyState: video.readyState,
    paused: video.paused,
    frames: quality.totalVideoFrames,
    dropped: quality.droppedVideoFrames,
    audioBytes: video.webkitAudioDecodedByteCount,
  });
}, 250);

hls.on(Hls.Events.MANIFEST_PARSED, () => {
  video.play().catch((error) => log.errors.push({ at: Date.now(), type: 'play', details: String(error), fatal: false, sn: null, message: '', status: null }));
});
hls.attachMedia(video);
hls.loadSource(new URLSearchParams(location.search).get('src'));

// The merged view hls.js plays from, for the test to compare with the raw playlists.
window.levelDetails = () => {
  const level = hls.levels[hls.currentLevel];
  const details = level ? level.details : undefined;
  if (!details) return null;
  return { startSN: details.startSN, endSN: details.endSN, startCC: details.startCC, endCC: details.endCC, fragments: details.fragments.map((fragment) => [fragment.sn, fragment.cc]) };
};
