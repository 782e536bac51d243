/*
 * Lectern default theme — video.js, on video pages only.
 *
 * The chapters and the transcript are lists of links to "#t=<seconds>" (a page address may
 * also say "#t=12:34"). Following one seeks the player to that time; with the video on
 * another site (no player here) the page says the time to go to instead. While the video
 * plays, the chapter playing and the cue being spoken are marked, and the transcript box follows it — unless the
 * reader has scrolled it away from that cue, to read elsewhere: then it waits until the reader
 * scrolls back to the cue being spoken, or follows a time. A time clicked also brings the player into
 * view and plays from there. Opened from disk (file://), where browsers refuse to load a
 * captions file, the captions are made from the transcript on the page. A video that cannot
 * load says so. Without JavaScript the lists are plain, readable text.
 *
 * Plain ES5 for old in-app browsers: no let/const, no arrow functions, no modules.
 */
(function () {
  "use strict";

  var video = document.querySelector(".player-video");
  var box = document.querySelector(".transcript-cues");
  var cues = box ? box.getElementsByTagName("li") : [];
  var chapterList = document.querySelector(".chapters .moments");
  var chapters = chapterList ? chapterList.getElementsByTagName("li") : [];
  var chapterActive = null;
  var note = document.querySelector(".video-time");
  var failed = document.querySelector(".player-error");
  var active = null;
  var clicked = false; // the next seek comes from a click: show the player and play
  var detached = false; // the reader scrolled the transcript away from the cue being spoken
  var scrollingOurselves = false;

  /**
   * "754", "12:34", "1:02:03" or "12:34.5" → seconds; null for anything else, and for minutes
   * or seconds after a colon past 59 (12:99), which the build refuses in a review too. Also
   * read as the media-fragment forms write them ("npt:754", "754s", a start and end "754,800":
   * its start) and with the colon a Chinese keyboard types ("12：34").
   */
  function parseTime(text) {
    text = String(text).replace(/：/g, ":").replace(/^npt:/i, "").replace(/,.*$/, "").replace(/s$/i, "");
    if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(text)) {
      return null;
    }
    var parts = text.split(":");
    var seconds = 0;
    for (var i = 0; i < parts.length; i++) {
      if (i > 0 && parseFloat(parts[i]) >= 60) {
        return null;
      }
      seconds = seconds * 60 + parseFloat(parts[i]);
    }
    return seconds;
  }

  function hashTime() {
    var match = /(?:^#|&)t=([^&]*)/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    try {
      return parseTime(decodeURIComponent(match[1]));
    } catch (e) {
      return null;
    }
  }

  function clock(seconds) {
    var s = Math.floor(seconds);
    var h = Math.floor(s / 3600);
    var m = Math.floor(s / 60) % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h > 0 ? h + ":" + two(m) : String(m)) + ":" + two(s % 60);
  }

  /** A cue's start, in seconds, from its link `#t=<seconds>`. */
  function startOf(cue) {
    var link = cue.getElementsByTagName("a")[0];
    return link ? parseFloat(link.getAttribute("href").slice(3)) : 0;
  }

  /**
   * The transcript's times are plain text, to keep two thousand cues light: make each a link
   * to its moment, which the keyboard reaches and a reader can copy.
   */
  function linkTimes() {
    for (var i = 0; i < cues.length; i++) {
      var time = cues[i].getElementsByTagName("time")[0];
      var seconds = time ? parseTime(time.textContent) : null;
      if (seconds === null) {
        continue;
      }
      var link = document.createElement("a");
      link.setAttribute("href", "#t=" + seconds);
      link.textContent = time.textContent;
      time.parentNode.replaceChild(link, time);
    }
    var hint = document.querySelector(".transcript-hint");
    if (hint && cues.length) {
      hint.removeAttribute("hidden"); // the times are links now, as it says
    }
  }

  /** The last moment of `list` that starts at or before `seconds` (moments are in time order). */
  function momentAt(list, seconds) {
    var lo = 0;
    var hi = list.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (startOf(list[mid]) <= seconds) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? null : list[found];
  }

  /** Moves the mark of the moment playing (highlighted, named the current one) from `was` to `now`. */
  function moveMark(was, now) {
    if (was) {
      was.className = was.className.replace(/\s*\bis-active\b/g, "");
      was.removeAttribute("aria-current");
    }
    if (now) {
      now.className += " is-active";
      now.setAttribute("aria-current", "true");
    }
  }

  function mark(seconds) {
    var chapter = momentAt(chapters, seconds);
    if (chapter !== chapterActive) {
      moveMark(chapterActive, chapter);
      chapterActive = chapter;
    }
    var cue = momentAt(cues, seconds);
    if (cue === active) {
      return;
    }
    moveMark(active, cue);
    active = cue;
    if (!cue) {
      return;
    }
    if (detached && inView(cue)) {
      detached = false; // the reader came back to the cue being spoken
    }
    if (!detached) {
      // Scroll the transcript box only, never the page under the reader. A scroll that does
      // not move it (the first cues) fires no event: then the reader's next scroll is theirs.
      var before = box.scrollTop;
      box.scrollTop = cue.offsetTop - box.offsetTop - box.clientHeight / 3;
      scrollingOurselves = box.scrollTop !== before;
    }
  }

  /** Whether a cue is within the transcript box's visible part. */
  function inView(cue) {
    var top = cue.offsetTop - box.offsetTop;
    return top + cue.offsetHeight > box.scrollTop && top < box.scrollTop + box.clientHeight;
  }

  /** Says that `seconds` is past the end of the video (its length from the page), if it is. */
  function pastEnd(seconds) {
    var length = note ? parseTime(note.getAttribute("data-duration") || "") : null;
    if (length === null || length <= 0 || seconds <= length) {
      return false;
    }
    note.textContent = note.getAttribute("data-past-end").replace("{time}", clock(seconds)).replace("{duration}", clock(length));
    note.removeAttribute("hidden");
    return true;
  }

  function seek(seconds) {
    if (pastEnd(seconds)) {
      return; // a mistyped time link: say so, rather than jump to the last frame
    }
    if (note && video) {
      note.setAttribute("hidden", "");
    }
    if (video) {
      var go = function () {
        try {
          video.currentTime = seconds;
        } catch (e) { /* not seekable yet: the default start position is set below */ }
      };
      if (video.readyState < 1) {
        video.preload = "metadata";
        video.addEventListener("loadedmetadata", go, false);
      }
      go();
      if (clicked) {
        showPlayer();
        var playing = video.play && video.play();
        if (playing && playing["catch"]) playing["catch"](function () { /* refused or no file: the controls stay */ });
      }
    } else if (note) {
      note.textContent = note.getAttribute("data-text").replace("{time}", clock(seconds));
      note.removeAttribute("hidden");
      linkPlatformAt(seconds);
      if (clicked) showInView(note);
    }
    detached = false;
    mark(seconds); // the chapter, also for a video on another site, and the cue
  }

  function onHash() {
    var seconds = hashTime();
    if (seconds !== null) {
      seek(seconds);
    } else if (note && /(?:^#|&)t=/.test(window.location.hash)) {
      note.setAttribute("hidden", ""); // #t=abc: not the time said before
    }
    clicked = false;
  }

  /** The player on screen, when a time clicked in the transcript below has left it above. */
  function showPlayer() {
    showInView(video);
  }

  function showInView(element) {
    var rect = element.getBoundingClientRect ? element.getBoundingClientRect() : null;
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (rect && (rect.top < 0 || rect.bottom > height)) {
      element.scrollIntoView(true);
    }
  }

  /**
   * A video on YouTube or Bilibili opens at the time followed: their addresses take a start
   * time (`t=754s`, `t=754`). Other sites' links stay as they are; the note says the time.
   */
  function linkPlatformAt(seconds) {
    var links = document.querySelectorAll(".outbound a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("data-href") || links[i].getAttribute("href");
      var s = Math.floor(seconds), value = null;
      if (/^https?:\/\/((www|m)\.)?youtube\.com\/watch\?/i.test(href) || /^https?:\/\/youtu\.be\//i.test(href)) {
        value = s + "s";
      } else if (/^https?:\/\/((www|m)\.)?bilibili\.com\/video\//i.test(href)) {
        value = String(s);
      }
      if (value === null) continue;
      links[i].setAttribute("data-href", href);
      links[i].setAttribute("href", withParam(href, "t", value));
    }
  }

  /** `href` with its query's `key` set to `value` (the fragment kept). */
  function withParam(href, key, value) {
    var hash = href.indexOf("#") >= 0 ? href.slice(href.indexOf("#")) : "";
    var base = hash ? href.slice(0, href.indexOf("#")) : href;
    base = base.replace(new RegExp("([?&])" + key + "=[^&]*&?"), "$1").replace(/[?&]$/, "");
    return base + (base.indexOf("?") >= 0 ? "&" : "?") + key + "=" + value + hash;
  }

  /** The player's source failed (no file here, no network): say so instead of a grey box. */
  function watchFailure() {
    if (!video || !failed) {
      return;
    }
    var sources = video.getElementsByTagName("source");
    // From disk, a video file of the copy: asking for its first bytes costs no network, and
    // tells at once whether the copy holds it (`lectern pack --without-media` leaves it out).
    var fromDisk = window.location.protocol === "file:" && sources.length &&
      !/^[a-z][a-z0-9+.-]*:/i.test(sources[0].getAttribute("src") || "");
    var show = function () {
      if (video.networkState === 3 || (video.error && video.error.code)) { // NETWORK_NO_SOURCE
        if (fromDisk && failed.getAttribute("data-offline")) failed.textContent = failed.getAttribute("data-offline");
        failed.removeAttribute("hidden");
      }
    };
    if (fromDisk && video.preload === "none") video.preload = "metadata";
    for (var i = 0; i < sources.length; i++) {
      sources[i].addEventListener("error", show, false);
    }
    video.addEventListener("error", show, false);
  }

  /**
   * From disk, browsers refuse the captions file (a file: address is an origin of its own): the
   * cues come from the transcript on the page instead, each shown until the next one starts.
   */
  function captionsFromTranscript() {
    var track = video && video.querySelector('track[kind="captions"]');
    if (!track || window.location.protocol !== "file:" || !cues.length || !video.addTextTrack) {
      return;
    }
    var Cue = window.VTTCue || window.TextTrackCue;
    if (!Cue) {
      return;
    }
    if (track.track) {
      track.track.mode = "disabled";
    }
    var made = video.addTextTrack("captions", track.getAttribute("label") || "", track.getAttribute("srclang") || "");
    for (var i = 0; i < cues.length; i++) {
      var start = startOf(cues[i]);
      var text = cueText(cues[i]);
      // The page keeps a cue's start only: it shows until a later cue starts (cues that start
      // together show together), and no longer than its words take to say (0.3 s a character).
      var next = start + 60;
      for (var k = i + 1; k < cues.length; k++) {
        if (startOf(cues[k]) > start) {
          next = startOf(cues[k]);
          break;
        }
      }
      var end = Math.min(next, start + Math.max(2, text.length * 0.3));
      if (text) {
        try {
          made.addCue(new Cue(start, end, text));
        } catch (e) { /* an engine that wants another constructor: no captions */ }
      }
    }
    made.mode = track.hasAttribute("default") ? "showing" : "hidden";
  }

  /** A transcript line's words, without its time. */
  function cueText(cue) {
    var text = "";
    for (var node = cue.firstChild; node; node = node.nextSibling) {
      var name = node.nodeName.toLowerCase();
      if (name !== "a" && name !== "time") {
        text += node.textContent;
      }
    }
    return text.replace(/^\s+|\s+$/g, "");
  }

  /**
   * The box above the transcript finds words in it: only the lines holding what is typed stay
   * (each still a link to its moment), and a count says how many. While it filters, the box
   * stops following playback; cleared, every line is back and it follows again.
   */
  function findInTranscript() {
    var find = document.querySelector(".transcript-find");
    var input = find ? find.getElementsByTagName("input")[0] : null;
    var found = find ? find.querySelector(".transcript-found") : null;
    if (!input || !found || !cues.length) {
      return;
    }
    // A line names its speaker only when the speaker changes: the lines after it are theirs too,
    // so 王老师 finds every line she speaks.
    var texts = [];
    var speaker = "";
    for (var i = 0; i < cues.length; i++) {
      var named = cues[i].getElementsByTagName("b")[0];
      if (named) {
        speaker = named.textContent;
      }
      texts.push(((named ? "" : speaker + " ") + (cues[i].textContent || "")).toLowerCase());
    }
    find.removeAttribute("hidden");
    input.addEventListener("input", function () {
      var q = input.value.replace(/^\s+|\s+$/g, "").toLowerCase();
      var shown = 0;
      for (var k = 0; k < cues.length; k++) {
        if (!q || texts[k].indexOf(q) >= 0) {
          cues[k].removeAttribute("hidden");
          shown++;
        } else {
          cues[k].setAttribute("hidden", "");
        }
      }
      detached = !!q;
      found.textContent = !q ? "" : shown ? found.getAttribute("data-found").replace("{count}", String(shown)) : found.getAttribute("data-none");
    }, false);
  }

  // A second click on the same time changes no hash: seek anyway.
  document.addEventListener("click", function (event) {
    var link = event.target;
    while (link && link.nodeName && link.nodeName.toLowerCase() !== "a") {
      link = link.parentNode;
    }
    if (!link || !link.getAttribute || !/^#t=/.test(link.getAttribute("href") || "")) {
      return;
    }
    clicked = true;
    if (link.getAttribute("href") === window.location.hash) {
      onHash();
    }
  }, false);

  if (box) {
    box.addEventListener("scroll", function () {
      if (scrollingOurselves) {
        scrollingOurselves = false;
      } else {
        detached = !!active && !inView(active);
      }
    }, false);
  }
  if (video && (box || chapters.length)) {
    video.addEventListener("timeupdate", function () { mark(video.currentTime); }, false);
  }
  linkTimes();
  findInTranscript();
  watchFailure();
  captionsFromTranscript();
  window.addEventListener("hashchange", onHash, false);
  onHash();
})();
