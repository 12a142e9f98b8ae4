"""The Textual app: screens as modes, live store refresh, themes, keymap, help."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar, cast, runtime_checkable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import Notify, SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from cohort_tui.config import UserConfig, load_config, save_config
from cohort_tui.domain.op_kinds import Data
from cohort_tui.domain.ops import Op
from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.paths import bundled_themes_dir, cache_dir, config_dir
from cohort_tui.store.errors import StoreError
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.messages import StoreChanged
from cohort_tui.ui.modes import OFF_FOOTER, SCREENS, TARGET_MODES, screen_factory
from cohort_tui.ui.strip_cycles import install as untie_strips
from cohort_tui.ui.widgets.cohort_header import CohortHeader

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.command import Provider
    from textual.widget import AwaitMount

    from cohort_tui.domain.derived import Derived
    from cohort_tui.store.recent import Mark
    from cohort_tui.sync.live import LiveStatus, LiveSync
    from cohort_tui.ui.terminal_watch import TerminalWatch

T = TypeVar("T")

GC_THRESHOLD = 50_000
"""Allocations between young-generation collections once the state is frozen."""

SYNC_TAKE_OVER = 5.0
"""Seconds between attempts to become the pane that syncs a pod's store."""
SYNC_NOTICES = 3
"""Most sync notices shown as toasts at once; the rest are counted."""

DEFAULT_THEME = "cohort-dark"

untie_strips()


def _finder() -> type[Provider]:
    """The palette's finder, imported when the palette first opens (not at start-up)."""
    from cohort_tui.ui.finder import CohortFinder

    return CohortFinder


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen holding typed text that must outlive it (the composer, the rubric form)."""

    def keep_draft(self) -> None:
        """Save what is typed now, as closing with Escape would."""


class CohortApp(App[None]):
    """cohort-tui.

    Args:
        replica: The open store.
        member_id: Who is acting (``--as``).
        open_target: A screen name or ``kind:id`` to start on.
        config: User settings; read from the config file when omitted.
        poll_interval: Seconds between looks at the op log for other processes' writes.
        save_settings: Whether a theme change is written to the config file.
        clock: Epoch-ms "now" for due dates and relative times; tests pin it.
        background_sync: Whether the app syncs with the cohort's server while it runs.
    """

    CSS_PATH = "app.tcss"
    TITLE = "cohort"
    MODES: ClassVar[dict[str, object]] = {  # type: ignore[assignment]
        name: screen_factory(spec) for name, (_, _, spec) in SCREENS.items()
    }
    DEFAULT_MODE = "home"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        *App.COMMANDS,
        _finder,
    }
    """The palette (ctrl+p): system commands, and lessons, threads, ... by name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"app.show_mode('{name}')",
                title,
                id=f"app.mode.{name}",
                tooltip=f"Go to {title}",
                show=name not in OFF_FOOTER,
            )
            for name, (key, title, _) in SCREENS.items()
        ),
        Binding(
            "question_mark", "app.help", "Help", id="app.help", tooltip="List every key binding"
        ),
        Binding("q", "app.quit", "Quit", id="app.quit", tooltip="Quit cohort"),
    ]

    def __init__(
        self,
        replica: Replica,
        member_id: str,
        *,
        open_target: str | None = None,
        config: UserConfig | None = None,
        poll_interval: float = 0.5,
        save_settings: bool = True,
        clock: Callable[[], int] | None = None,
        background_sync: bool = True,
    ) -> None:
        self.replica = replica
        """The open store."""
        self.member_id = member_id
        """The acting member's id."""
        self.open_target = open_target
        self.poll_interval = poll_interval
        self.save_settings = save_settings
        self.now_ms: Callable[[], int] = clock or (lambda: int(time.time() * 1000))
        """Epoch-ms now, as every screen should read it."""
        self.work_dir = Path.cwd()
        """The folder cohort was started in: lesson checks run and files are picked here."""
        self._config_problem: str | None = None
        if config is None:
            config, self._config_problem = load_config()
        self.user_config = config
        """Settings from ``config.toml``."""
        self.sync_state = "local"
        """What the header shows for sync: local, online, offline · N pending, syncing."""
        self.background_sync = background_sync
        self._sync: LiveSync | None = None
        self._sync_retry: Timer | None = None
        self._previous_excepthook: Callable[[threading.ExceptHookArgs], object] | None = None
        self._theme_ready = False
        self._store_problem = ""
        self._terminal_watch: TerminalWatch | None = None
        self.first_frame_drawn = False
        """Set once the first screen is on the terminal (see CohortScreen)."""
        from cohort_tui.domain.queries import UnreadCache

        self.unread_cache = UnreadCache()
        """Per-thread unread counts, recounted only where the state changed."""
        from cohort_tui.ui.palette import Palette

        self.palette = Palette(self)
        """The named looks screens use (``cohort.ok`` ...), from the current theme."""
        super().__init__()
        from cohort_tui.ui.css_cache import FILE_NAME, CachedStylesheet, RulesCache

        # Parsed rules come from the cache file where they can (see css_cache); Textual
        # made a plain stylesheet that has read nothing yet.
        self.stylesheet = CachedStylesheet(
            variables=self.theme_variables,  # as Textual's __init__ just worked them out
            rules_cache=RulesCache(cache_dir() / FILE_NAME),
        )
        from cohort_tui.ui import timings
        from cohort_tui.ui.live_fold import LiveFold

        self._live = LiveFold(self)
        timings.watch_collector()  # with COHORT_TIMINGS set (benches) only
        self._theme_problems = self._load_themes()
        from cohort_tui.ui.presence import PresenceTracker

        self.presence = PresenceTracker(self)
        """This pane's presence and who else is here now."""

    # -- start-up ------------------------------------------------------------------

    def _load_themes(self) -> list[str]:
        """Register bundled and user themes and pick the configured one; returns problems.

        Done before the first screen is composed, so the first frame is drawn once, in the
        right colours.
        """
        from cohort_tui.ui.themes import load_themes

        themes, problems = load_themes(bundled_themes_dir(), config_dir() / "themes")
        for theme in themes:
            self.register_theme(theme)
        wanted = self.user_config.theme
        self._set_first_theme(wanted if wanted in self.available_themes else DEFAULT_THEME)
        self.palette.apply(self.theme_variables)  # the first theme's, just worked out
        self._theme_ready = True
        return problems

    def _set_first_theme(self, name: str) -> None:
        """Start in theme ``name``, set before the app runs.

        Setting :attr:`theme` runs Textual's watcher, which queues a full CSS refresh:
        the stylesheet re-parsed with the new variables in a throw-away copy whose parse
        cache is dropped, so the first screen parsed every source a second time (~5 ms
        of every start). Before the app runs nothing has been read or styled yet, so the
        watcher's other work is all there is to do: the theme's classes, the ANSI colour
        filter, and the variables the stylesheet will be parsed with.
        """
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {cls: False for cls in self.classes if cls.startswith("-theme-")}
        classes |= {f"-theme-{name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark}
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def on_mount(self) -> None:
        for problem in self._theme_problems:
            self.notify(f"Theme skipped: {problem}", severity="warning", timeout=8)
        if self._config_problem:
            self.notify(self._config_problem, severity="warning", timeout=8)
        if self.user_config.keymap:
            self.set_keymap(self.user_config.keymap)
        self.go(self.open_target)
        if self.poll_interval > 0:
            self.set_interval(self.poll_interval, self.poll_store, name="store-poll")
        self.call_after_refresh(self._freeze_heap)  # which also starts the presence beat
        # Announcers note what already is (after the first frame), to announce only changes.
        self.call_after_refresh(self.announce, [])
        if not self.is_headless:
            from cohort_tui.ui.terminal_watch import TerminalWatch, exit_deadline

            self._terminal_watch = TerminalWatch(
                asyncio.get_running_loop(), self.terminal_lost, deadline=exit_deadline()
            )
            self._terminal_watch.start()
        if self.background_sync and self.replica.config.remote:
            self._previous_excepthook = threading.excepthook
            threading.excepthook = self._thread_failed
            self._start_sync()

    def terminal_lost(self, why: str) -> None:
        """The terminal went away (SIGHUP, or its input hung up): keep what is typed,
        let another pane take over syncing, and exit, within a second.

        Args:
            why: ``"SIGHUP"`` or ``"hangup"``, for the record.
        """
        from cohort_tui.ui.terminal_watch import (
            HANGUP_EXIT_CODE,
            detach_from_terminal,
            exit_deadline,
            exit_soon,
            terminal_gone,
        )

        exit_soon(exit_deadline(), HANGUP_EXIT_CODE)
        self.keep_drafts()
        self.presence.leave()
        if self._sync is not None:
            # Releases live.lock at once, so another pane of the pod syncs now; a request
            # still under way ends with the process.
            self._sync.stop(timeout=0.1)
            self._sync = None
        # A SIGHUP sent by hand leaves a working terminal: restore it on the way out.
        if why != "SIGHUP" or terminal_gone(0):
            detach_from_terminal()
        self.exit(return_code=HANGUP_EXIT_CODE)

    def keep_drafts(self) -> None:
        """Ask every open screen that holds typed text to save it as a draft."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, KeepsDraft):
                try:
                    screen.keep_draft()
                except Exception as exc:  # one screen's failure must not lose the others
                    self.notify(f"Could not keep a draft: {exc}", severity="error")

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        """Exit, keeping every draft first: quitting with the composer open loses nothing."""
        self.keep_drafts()
        super().exit(result, return_code, message)

    def _thread_failed(self, args: threading.ExceptHookArgs) -> None:
        """A background thread's unexpected error becomes a toast: a traceback printed
        from a thread would land in the middle of the screen."""
        name = args.thread.name if args.thread else "a background task"
        message = f"{name} stopped: {args.exc_type.__name__}: {args.exc_value}"
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self.notify, message, severity="error", timeout=15)

    def _start_sync(self) -> None:
        """Sync with the server in the background (only stores that joined one: the
        network code is not even imported for a local store)."""
        from cohort_tui.sync.live import LiveSync

        sync = LiveSync(self.replica.root, self._sync_report)
        if sync.start():
            self._sync = sync
            if self._sync_retry is not None:
                self._sync_retry.stop()
                self._sync_retry = None
        elif self._sync_retry is None:
            # Another pane of this pod syncs; its ops reach us through the log. If that
            # pane exits, this one takes over.
            self._sync_retry = self.set_interval(SYNC_TAKE_OVER, self._start_sync)

    def _sync_report(self, status: LiveStatus) -> None:
        """Called by the sync threads (and once from here): show it on the event loop."""
        if threading.current_thread() is threading.main_thread():
            self.show_sync_status(status)
            return
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.call_from_thread(self.show_sync_status, status)

    def show_sync_status(self, status: LiveStatus) -> None:
        """Put the sync state in the header; fetch at once what a sync brought in."""
        self.sync_state = status.label()
        for header in self.screen.query(CohortHeader):
            header.sync_state = self.sync_state
        if status.state == "online" and status.pulled:
            self.poll_store()
        self._sync_notices(status.notices)

    def _sync_notices(self, notices: tuple[str, ...]) -> None:
        """Tell the member about refused or re-sent ops (server text: cleaned, plain)."""
        from cohort_tui.domain.sanitize import clean_line, truncate

        for notice in notices[:SYNC_NOTICES]:
            self.notify(truncate(clean_line(notice), 300), severity="warning", timeout=15)
        if len(notices) > SYNC_NOTICES:
            more = len(notices) - SYNC_NOTICES
            self.notify(f"{more} more; `cohort sync` lists them all.", severity="warning")

    WARM_AFTER = 0.3
    """Seconds after the first frame before the other screens are warmed up (see
    :mod:`cohort_tui.ui.warmup`)."""

    def refresh_css(self, animate: bool = True) -> None:
        """Refresh CSS, then wake the screen.

        Textual lays the current screen out here at once and pauses the screen's frame
        timer; a callback queued for that frame (``call_after_refresh``) then waits for
        the screen's next message, which an idle screen may never get. A prompt gives it
        one.
        """
        super().refresh_css(animate)
        with contextlib.suppress(Exception):  # no screen yet
            self.screen.check_idle()

    def _warm(self) -> None:
        from cohort_tui.ui.warmup import steps

        pending = iter(steps(self))

        def run_next() -> None:
            step = next(pending, None)
            if not self.is_running:
                return
            if step is None:
                self.save_css_cache()  # every screen's rules are parsed by now
                return
            step()
            # The next step goes behind whatever arrived meanwhile: a key pressed during
            # the warm-up waits for one step, not for all of it.
            self.call_later(run_next)

        run_next()

    _frozen_state = 0

    def _freeze_heap(self) -> None:
        """Move the folded state out of the garbage collector's sight.

        A big cohort's state is hundreds of thousands of containers; every full
        collection walked them all, which showed up as 50-100 ms pauses while opening a
        big thread or list. Frozen objects are never scanned. A refold's new state comes
        frozen (see :mod:`cohort_tui.ui.live_fold`); the one it replaced is freed by
        reference counting (it has no cycles), never by a collection over everything.
        """
        if not self.first_frame_drawn:
            self.first_frame_drawn = True
            # Timed from here, not from mount: on a busy machine a timer from mount fired
            # before the first frame, delayed it, and (through refresh_css) stranded what
            # waited for it, such as the ``--open`` target.
            self.set_timer(self.WARM_AFTER, self._warm, name="warm-screens")
            from cohort_tui.domain.presence import BEAT_S

            # After the first frame: a beat is file work in a thread, which took the
            # interpreter from the start-up ~5 ms of the way. No heartbeat timer where
            # the store is not polled either (tests): moves still beat.
            self.presence.start(BEAT_S if self.poll_interval > 0 else 0)
        state_id = id(self.replica.state)
        gc.enable()  # `cohort` pauses the collector until the first frame
        if state_id == self._frozen_state:
            return
        gc.freeze()
        # Screens build tens of thousands of small objects at once (rows, layouts); with
        # the default thresholds that set off full collections mid-frame. Reference
        # counting frees nearly everything here; the collector only needs to find rare
        # cycles, so it may run far less often.
        gc.set_threshold(GC_THRESHOLD, 20, 50)
        self._frozen_state = state_id

    def on_key(self, event: events.Key) -> None:
        # A key no binding took. ESC run into the next key arrives as alt+KEY: a dialog
        # (dialogs.py) or an open search closes and passes KEY on, instead of staying
        # open and taking every key after it.
        modifier, _, key = event.key.partition("+")
        close = getattr(self.screen, "close_for_key", None)
        if modifier == "alt" and key and "+" not in key and callable(close) and close(key):
            event.stop()

    def go(self, target: str | None) -> None:
        """Show a screen (``curriculum``) or an entity (``lesson:ID``); None is Home."""
        mode, kind, target_id = "home", "", ""
        if target in SCREENS:
            mode = target
        elif target and ":" in target:
            kind, _, target_id = target.partition(":")
            mode = TARGET_MODES.get(kind, "home")
            if mode not in SCREENS:
                self.notify(f"Nothing here shows {kind} targets yet.", severity="warning")
                mode, kind = "home", ""
        elif target:
            self.notify(f"No screen called '{target}'.", severity="warning")
        if self.current_mode != mode:
            self.switch_mode(mode)
        if kind:
            self.call_after_refresh(self._open_in_screen, kind, target_id)

    def _open_in_screen(self, kind: str, target_id: str) -> None:
        from cohort_tui.ui.screens.base import CohortScreen

        if isinstance(self.screen, CohortScreen):
            self.screen.open_target(kind, target_id)

    # -- the store -------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is sanitised plain text.

        Messages quote outside text (titles, names, file names, OS and server errors),
        ``Widget.notify`` passes ``markup=True`` by default, and a toast's ``Content``
        strips only a few controls: so markup is switched off and the message and title
        pass the sanitiser here, the one place every ``notify`` goes through.
        """
        super().notify(
            clean_text(message),
            title=clean_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_notify(self, event: Notify) -> None:
        """A toast already on screen is not stacked again: ``]`` pressed five times at the
        end of a thread says "No more new posts here." once, not in five toasts that
        cover the post it just moved to. Runs before ``App``'s own handler, which adds
        the toast unless this one stops it."""
        new = event.notification
        if any(
            shown.message == new.message
            and shown.title == new.title
            and shown.severity == new.severity
            and not shown.has_expired
            for shown in self._notifications
        ):
            event.prevent_default()

    async def on_event(self, event: events.Event) -> None:
        # Pasted text comes from outside (a web page, a log): an escape sequence in it
        # would reach the terminal through the Input or TextArea it lands in.
        if isinstance(event, events.Paste):
            event.text = clean_text(event.text)
        await super().on_event(event)

    _memo_key: tuple[int, int] = (0, -1)
    _memo: dict[str, object]

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """A value derived from the state, computed once per state change: the header's
        unread count is asked for by every screen on every refresh."""
        state = self.replica.state
        key = (id(state), state.applied)
        if key != self._memo_key:
            self._memo = {}
            self._memo_key = key
        if name not in self._memo:
            self._memo[name] = compute()
        return cast(T, self._memo[name])

    def memo_known(self, name: str) -> object | None:
        """The memoised value for the current state, if it was computed."""
        state = self.replica.state
        return self._memo.get(name) if (id(state), state.applied) == self._memo_key else None

    def memo_seed(self, name: str, value: object) -> None:
        """Give the current state's value when the caller knows it without computing."""
        self.memo(name, lambda: value)

    _derived: Derived | None = None
    _derived_mark: Mark | None = None

    def derived(self) -> Derived:
        """Unread counts, mentions and Today for the acting member, caught up with the
        ops folded since it was last asked for (computed afresh after a refold)."""
        from cohort_tui.domain.derived import Derived

        recent = self.replica.recent
        ops = recent.since(self._derived_mark)
        if ops is None or self._derived is None:
            self._derived = Derived(self.replica.state, self.member_id)
        else:
            self._derived.catch_up(self.replica.state, ops)
        self._derived_mark = recent.mark()
        return self._derived

    def derived_seed(self, derived: Derived) -> None:
        """Give the figures of the state just adopted, computed off the event loop."""
        self._derived, self._derived_mark = derived, self.replica.recent.mark()

    def write(self, data: Data) -> Op | None:
        """Write one op as the acting member; problems become notifications."""
        ops = self.write_many([data])
        return ops[0] if ops else None

    def write_many(self, items: list[Data]) -> list[Op]:
        """Write ops as the acting member in one append and tell the screen."""
        self._live.finish_now()  # my op folds after what was read before it
        before = len(self.replica.state.refused)
        try:
            ops = self.replica.write_many(items, author=self.member_id)
        except (StoreError, OSError) as exc:
            self.notify(f"Could not save: {exc}", severity="error", timeout=10)
            return []
        refused = self.replica.state.refused[before:]
        mine = {op.id for op in ops}
        for refusal in refused:
            if refusal.op in mine:
                self.notify(f"Not allowed: {refusal.reason}.", severity="warning")
        self._tell_screens(ops, mine=True)
        self.announce(ops)  # a badge my own post earned, say
        if self._sync is not None:
            self._sync.poke()
        if self.replica.needs_refold:  # the write read offline work that sorts earlier
            self.poll_store()
        return [op for op in ops if all(r.op != op.id for r in refused)]

    def poll_store(self) -> None:
        """Fold in what other processes appended, and tell the screen (when it is done:
        a big batch or a refold is folded off the event loop, see ``ui/live_fold.py``)."""
        try:
            self._live.poll()
        except StoreError as exc:
            self.store_failed(exc)

    @property
    def folding(self) -> bool:
        """Ops are being folded in, or the log refolded, off the event loop."""
        return self._live.busy

    def store_folded(self, ops: list[Op]) -> None:
        """New ops (none after a refold) are in the state: tell the screen."""
        self._store_problem = ""
        self._freeze_heap()
        self._tell_screens(ops, mine=False)
        if ops:
            self.announce(ops)

    def _tell_screens(self, ops: list[Op], *, mine: bool) -> None:
        """Tell the screens that show: the top one and, under a dialog (help, a form),
        the screen it dims. That one stays live behind the dialog, and closing the
        dialog no longer waits for it to catch up on every post that came meanwhile."""
        for screen in reversed(self.screen_stack):
            screen.post_message(StoreChanged(ops, mine=mine))
            if not isinstance(screen, ModalScreen):
                break

    def store_failed(self, exc: StoreError) -> None:
        """Reading the log failed (a damaged line): say so once, not every poll."""
        if str(exc) != self._store_problem:
            self._store_problem = str(exc)
            self.notify(str(exc), severity="error", timeout=15)

    def announce(self, ops: list[Op]) -> None:
        """Run every announcer over ops that came from elsewhere."""
        import importlib

        from cohort_tui.ui.announcers import ANNOUNCERS

        for spec in ANNOUNCERS:
            module_name, _, function = spec.partition(":")
            getattr(importlib.import_module(module_name), function)(self, ops)

    def compose_thread(self, *, lesson: str | None = None, title: str = "", body: str = "") -> bool:
        """Open the discussion composer for a new thread, prefilled; False if there is
        no discussions screen in this build."""
        if "discussions" not in SCREENS:
            return False
        self.switch_mode("discussions")
        self.call_after_refresh(
            lambda: self.screen.start_new_thread(  # type: ignore[attr-defined]
                lesson=lesson, title=title, body=body
            )
        )
        return True

    # -- screens, help, themes ----------------------------------------------------

    _switching_to_built_screen = False

    def switch_mode(self, mode: str) -> AwaitMount:
        self._switching_to_built_screen = mode in self._screen_stacks  # shown before
        try:
            return super().switch_mode(mode)
        finally:
            self._switching_to_built_screen = False

    def delay_update(self, delay: float = 0.05) -> None:
        # Textual holds every frame for 50 ms on a mode switch, to hide a screen still
        # being composed. A screen shown before is built and laid out already: holding
        # its frame only made going back to it take 50 ms more than the work (a revisit
        # drew in 60-95 ms for 18-60 ms of CPU). (Private to Textual, which is pinned.)
        if self._switching_to_built_screen:
            return
        super().delay_update(delay)

    def action_show_mode(self, mode: str) -> None:
        """Switch to a screen by mode name."""
        if mode in SCREENS and self.current_mode != mode:
            self.switch_mode(mode)

    def action_help(self) -> None:
        """Show every active binding, grouped by where it applies."""
        from cohort_tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        sections: dict[str, dict[str, tuple[list[str], str]]] = {
            "This screen": {},
            "Everywhere": {},
            "In the focused widget": {},
        }
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if active.node is self:
                section = "Everywhere"
            elif active.node is self.screen:
                section = "This screen"
            else:
                section = "In the focused widget"
            name = binding.description or binding.action.rpartition(".")[2].replace("_", " ")
            keys, _ = sections[section].setdefault(name, ([], binding.tooltip))
            keys.append(self.get_key_display(binding))
        rows = [
            (section, ", ".join(keys), name, tooltip)
            for section, entries in sections.items()
            for name, (keys, tooltip) in sorted(entries.items(), key=lambda e: e[1][0][0])
        ]
        title = getattr(self.screen, "TITLE_TEXT", "cohort") + " · keys"
        self.push_screen(HelpScreen(rows, title))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (key, title, _) in SCREENS.items():
            yield SystemCommand(
                f"Go: {title}",
                f"Switch to the {title} screen ({key})",
                partial(self.action_show_mode, name),
            )
        yield SystemCommand("Help: Keys", "List every key binding (?)", self.action_help)

    def watch_theme(self, theme: str) -> None:
        if not self._theme_ready:
            return
        # Before anything draws again: the Line-API views and Statics recolour on the
        # theme signal, which Textual sends after this.
        self.palette.apply()
        if theme == self.user_config.theme:
            return
        self.user_config.theme = theme
        if self.save_settings:
            try:
                save_config(self.user_config)
            except OSError as exc:
                self.notify(f"Could not save the theme choice: {exc}", severity="warning")

    def poke_presence(self) -> None:
        """Ask the live sync (if this pane runs it) to send the presence heartbeats now."""
        if self._sync is not None:
            self._sync.poke_presence()

    def save_css_cache(self) -> None:
        """Write the rules parsed in this run to the cache file (see css_cache)."""
        from cohort_tui.ui.css_cache import CachedStylesheet

        if isinstance(self.stylesheet, CachedStylesheet):
            self.stylesheet.rules_cache.save()

    def on_unmount(self) -> None:
        self.save_css_cache()
        self.presence.leave()
        if self._terminal_watch is not None:
            self._terminal_watch.stop()
        if self._sync is not None:
            self._sync.stop()
        if self._previous_excepthook is not None:
            threading.excepthook = self._previous_excepthook
        self.replica.save_snapshot()


def _is_a_host(app: CohortApp) -> CohortHost:
    """Never called: mypy checks here that the app gives screens all that they may ask."""
    return app
