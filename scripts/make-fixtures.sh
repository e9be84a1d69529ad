#!/usr/bin/env bash
# Regenerates the committed demo/test fixtures in assets/demo/ (needs ffmpeg with libx264 + drawtext).
#
#   a, b, c  MPEG-TS, 40 segments of exactly 0.5 s (12 frames at 24 fps), a 20 s loop each
#   f        fMP4 (init.mp4 + .m4s), 20 segments of 0.5 s, looks like a
#
# Every segment starts with an IDR frame (-g 12 -keyint_min 12 -sc_threshold 0), so the live origin can
# serve any segment first and loop the fixture with a discontinuity. Encoding is single-threaded and
# bit-exact, so rerunning the script on the same ffmpeg build reproduces the same bytes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/assets/demo"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
MONO=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf
FPS=24
SEGMENT_FRAMES=12 # 0.5 s

for tool in ffmpeg ffprobe od awk; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is required" >&2; exit 1; }
done
for font in "$FONT" "$MONO"; do
  [[ -f "$font" ]] || { echo "make-fixtures: missing font $font (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done

# make_source <id> <lavfi video source> <label> <tone Hz> <seconds> <ts|fmp4>
make_source() {
  local id="$1" pattern="$2" label="$3" tone="$4" seconds="$5" kind="$6"
  local dir="$OUT/$id"
  rm -rf "$dir"
  mkdir -p "$dir"

  # The label says which source is playing; the clock and frame number show that it is live and where
  # the loop restarts.
  local overlay="drawtext=fontfile=$FONT:text='$label':fontsize=30:fontcolor=white"
  overlay+=":box=1:boxcolor=black@0.6:boxborderw=6:x=(w-tw)/2:y=40"
  overlay+=",drawtext=fontfile=$MONO:text='%{pts\:hms}  #%{frame_num}':fontsize=18:fontcolor=yellow"
  overlay+=":box=1:boxcolor=black@0.6:boxborderw=4:x=(w-tw)/2:y=h-36"

  local segment_args
  if [[ "$kind" == fmp4 ]]; then
    segment_args=(-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 -hls_segment_filename seg-%03d.m4s)
  else
    segment_args=(-hls_segment_type mpegts -hls_segment_filename seg-%03d.ts)
  fi

  # Run inside the folder so the playlist lists bare file names (seg-000.ts, init.mp4).
  (
    cd "$dir"
    ffmpeg -hide_banner -nostdin -v error -y \
      -f lavfi -i "$pattern=size=320x180:rate=$FPS" \
      -f lavfi -i "sine=frequency=$tone:sample_rate=48000" \
      -t "$seconds" -vf "$overlay" \
      -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -threads 1 \
      -b:v 120k -maxrate 150k -bufsize 150k \
      -g "$SEGMENT_FRAMES" -keyint_min "$SEGMENT_FRAMES" -sc_threshold 0 \
      -c:a aac -b:a 32k -ac 1 -ar 48000 \
      -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 \
      -f hls -hls_time 0.5 -hls_list_size 0 -hls_playlist_type vod "${segment_args[@]}" index.m3u8
  )
}

# check_source <id> <expected segment count> <ts|fmp4>
check_source() {
  local id="$1" expected="$2" kind="$3" count=0 seg
  local dir="$OUT/$id"
  for seg in "$dir"/seg-*; do
    count=$((count + 1))
    local first
    first="$(ffprobe -v error -select_streams v:0 -read_intervals '%+#1' -show_entries frame=key_frame,pict_type \
      -of csv=p=0 "$( [[ "$kind" == fmp4 ]] && echo "concat:$dir/init.mp4|$seg" || echo "$seg")")"
    [[ "$first" == 1,I* ]] || { echo "make-fixtures: $seg does not start with a keyframe ($first)" >&2; exit 1; }
    local frames
    frames="$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 \
      "$( [[ "$kind" == fmp4 ]] && echo "concat:$dir/init.mp4|$seg" || echo "$seg")" | awk 'NR == 1')"
    [[ "$frames" == "$SEGMENT_FRAMES" ]] || { echo "make-fixtures: $seg has $frames frames" >&2; exit 1; }
    if [[ "$kind" == ts ]]; then
      local size
      size="$(stat -c %s "$seg")"
      (( size % 188 == 0 )) || { echo "make-fixtures: $seg is $size bytes, not 188-aligned" >&2; exit 1; }
      od -An -v -tx1 -w188 "$seg" | awk '$1 != "47" { bad = 1 } END { exit bad }' \
        || { echo "make-fixtures: $seg has a packet without sync byte 0x47" >&2; exit 1; }
    fi
  done
  (( count == expected )) || { echo "make-fixtures: $id has $count segments, expected $expected" >&2; exit 1; }
  [[ "$(grep -c '^#EXTINF:0.500000,' "$dir/index.m3u8")" == "$expected" ]] \
    || { echo "make-fixtures: $id has segments that are not exactly 0.5 s" >&2; exit 1; }
}

make_source a testsrc2 'SOURCE A' 440 20 ts
make_source b smptebars 'SOURCE B' 660 20 ts
make_source c rgbtestsrc 'SOURCE C' 880 20 ts
make_source f testsrc2 'SOURCE F (fMP4)' 550 10 fmp4

check_source a 40 ts
check_source b 40 ts
check_source c 40 ts
check_source f 20 fmp4

du -sh "$OUT"/*
du -sh "$OUT"
