"""``cohort thread new``, ``cohort post``, ``cohort threads``, ``cohort read``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cohort_tui.commands.context import acting_member, fail, now_ms, open_replica, read_body


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("thread", help="start discussion threads")
    thread_sub = p.add_subparsers(dest="thread_command", metavar="ACTION", required=True)
    new = thread_sub.add_parser("new", parents=[common], help="start a thread; prints its id")
    new.add_argument("--title", required=True)
    _body_options(new)
    new.add_argument("--lesson", metavar="LESSON", help="anchor the thread to a lesson")
    new.add_argument("--tag", action="append", default=[], metavar="TAG")
    new.add_argument(
        "--pod",
        metavar="POD",
        help="start it in a pod's channel (shown to its members and staff; not secret: "
        "every replica holds the log); `mine` is my pod",
    )
    new.set_defaults(run=run_new)

    p = sub.add_parser("post", parents=[common], help="reply in a thread; prints the post id")
    p.add_argument("thread", metavar="THREAD")
    _body_options(p)
    p.add_argument("--reply-to", metavar="POST", help="the post this answers (quoted)")
    p.set_defaults(run=run_post)

    p = sub.add_parser("threads", parents=[common], help="threads, newest activity first")
    p.add_argument("--unread", action="store_true", help="only threads with posts new to me")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run_threads)

    p = sub.add_parser(
        "read", parents=[common], help="print a thread as plain text (and mark it read)"
    )
    p.add_argument("thread", metavar="THREAD")
    p.set_defaults(run=run_read)


def _body_options(parser: argparse.ArgumentParser) -> None:
    body = parser.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--body-file", metavar="FILE", help="read the body from FILE (- is stdin)")


def _check_body(body: str) -> str:
    from cohort_tui.domain.op_kinds import Body

    limit = Body.__metadata__[0].max_length  # type: ignore[attr-defined]
    if not body.strip():
        fail("the body is empty")
    if len(body) > limit:
        fail(f"the body is {len(body):,} characters; the limit is {limit:,}")
    return body


def _refusal(replica: Any, op_id: str) -> None:
    for refusal in replica.state.refused:
        if refusal.op == op_id:
            fail(f"not allowed: {refusal.reason}")


def run_new(args: argparse.Namespace) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import ThreadCreate

    title = args.title.strip()
    if not title or len(title) > 300:
        fail("--title must be 1 to 300 characters")
    tags = sorted({t.strip().lstrip("#") for t in args.tag if t.strip()})
    if len(tags) > 10 or any(len(t) > 40 for t in tags):
        fail("at most 10 tags of up to 40 characters each")
    body = _check_body(read_body(args.body, args.body_file))
    replica = open_replica(args)
    me = acting_member(replica, args)
    if args.lesson and args.lesson not in replica.state.lessons:
        fail(f"no lesson '{args.lesson}' (see `cohort lessons`)")
    pod = _pod_for(replica.state, me.id, args.pod)
    thread_id = new_id("t")
    op = replica.write(
        ThreadCreate(
            thread=thread_id,
            post=new_id("p"),
            title=title,
            body=body,
            lesson=args.lesson,
            tags=tags,
            pod=pod,
        ),
        author=me.id,
    )
    _refusal(replica, op.id)
    print(thread_id)
    return 0


def _pod_for(state: Any, me: str, wanted: str | None) -> str | None:
    from cohort_tui.domain.pods import pod_of

    if wanted is None:
        return None
    pod = pod_of(state, me) if wanted == "mine" else state.pods.get(wanted)
    if pod is None:
        fail(
            "you are in no pod"
            if wanted == "mine"
            else f"no pod '{wanted}' (see `cohort pod list`)"
        )
    return str(pod.id)


def run_post(args: argparse.Namespace) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import PostCreate

    body = _check_body(read_body(args.body, args.body_file))
    replica = open_replica(args)
    me = acting_member(replica, args)
    thread = replica.state.threads.get(args.thread)
    if thread is None:
        fail(f"no thread '{args.thread}' (see `cohort threads`)")
    if args.reply_to and args.reply_to not in thread.posts:
        fail(f"post '{args.reply_to}' is not in thread {args.thread}")
    post_id = new_id("p")
    op = replica.write(
        PostCreate(post=post_id, thread=thread.id, body=body, reply_to=args.reply_to), author=me.id
    )
    _refusal(replica, op.id)
    print(post_id)
    return 0


def run_threads(args: argparse.Namespace) -> int:
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.pods import may_see_thread
    from cohort_tui.domain.sanitize import clean_line, truncate

    replica = open_replica(args)
    me = acting_member(replica, args)
    state, now = replica.state, now_ms()
    rows: list[dict[str, Any]] = []
    for thread in sorted(state.threads.values(), key=lambda t: (-t.last_activity, t.id)):
        if thread.pod is not None and not may_see_thread(state, me.id, thread):
            continue
        unread = q.unread_count(state, me.id, thread.id)
        if args.unread and not unread:
            continue
        rows.append(
            {
                "id": thread.id,
                "title": thread.title,
                "author": thread.author,
                "lesson": thread.lesson,
                "tags": thread.tags,
                "posts": len(thread.posts),
                "unread": unread,
                "pinned": thread.pinned,
                "answered": thread.answer is not None,
                "pod": thread.pod,
                "last_activity": thread.last_activity,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        marks = ("⚑ " if row["pinned"] else "  ") + ("✓" if row["answered"] else " ")
        new = f"{row['unread']} new" if row["unread"] else ""
        hours = max(0, (now - row["last_activity"]) // 3_600_000)
        age = f"{hours}h" if hours < 48 else f"{hours // 24}d"
        print(
            f"{marks} {row['id']:<32} {truncate(clean_line(row['title']), 60):<60} "
            f"{row['posts']:>4} posts {age:>5} {new}"
        )
    if not rows:
        print("no threads with new posts" if args.unread else "no threads yet")
    return 0


def run_read(args: argparse.Namespace) -> int:
    import time

    from cohort_tui.domain.op_kinds import ThreadRead
    from cohort_tui.domain.sanitize import clean_line, clean_text

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    thread = state.threads.get(args.thread)
    if thread is None:
        fail(f"no thread '{args.thread}' (see `cohort threads`)")

    def who(member_id: str) -> str:
        member = state.members.get(member_id)
        return f"@{clean_line(member.handle)}" if member else member_id

    def when(ms: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(ms / 1000))

    title = clean_line(thread.title)
    print(title)
    print("=" * min(len(title), 80))
    lesson = state.lessons.get(thread.lesson or "")
    meta = [f"by {who(thread.author)}", when(thread.created_at)]
    if lesson:
        meta.append(f"lesson: {clean_line(lesson.title)}")
    if thread.tags:
        meta.append(" ".join("#" + clean_line(t) for t in thread.tags))
    print(" · ".join(meta))
    for post_id in thread.posts:
        post = state.posts[post_id]
        print()
        flags = []
        if post_id == thread.answer:
            flags.append("accepted answer")
        if post.edits:
            flags.append("edited")
        print(
            f"--- {who(post.author)} · {when(post.created_at)}"
            + (f" · {', '.join(flags)}" if flags else "")
            + f" · {post_id}"
        )
        if post.hidden is not None:
            print(f"[hidden by {who(post.hidden.by)}: {clean_line(post.hidden.reason)}]")
            continue
        if post.reply_to and post.reply_to in state.posts:
            quoted = clean_text(state.posts[post.reply_to].body).strip().splitlines()[:2]
            for line in quoted:
                print(f"> {line}")
        print(clean_text(post.body).rstrip())
        if post.reactions:
            print(
                "  "
                + "  ".join(f"{clean_line(e)} {len(m)}" for e, m in sorted(post.reactions.items()))
            )
    last = state.posts[thread.posts[-1]]
    marker = state.reads.get(me.id, {}).get(thread.id)
    if marker is None or tuple(last.clock) > tuple(marker):
        replica.write(ThreadRead(thread=thread.id, upto=last.clock), author=me.id)
    return 0
