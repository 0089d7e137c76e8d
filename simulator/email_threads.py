"""E-mail threads: a first message, then replies, follow-ups and chases, plus tracking events.

A thread alternates between a seller and one contact. After a seller's message the contact
answers with a probability and delay set by their latent health at that moment; if they do not,
the seller may chase (which is how unanswered streaks arise). After a contact's message the seller
usually answers quickly. Every message a seller sends produces tracking events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import parts as P
from simulator import text
from simulator.opportunities import Deals
from simulator.org import INTERNAL_DOMAIN, Org
from simulator.rates import CHASE_P, MAX_CHASES, MAX_MESSAGES, SELLER_REPLY_P
from simulator.relationships import p_reply, reply_delay_hours
from simulator.timeutil import DAY, HOUR, defer_to_working_time

SELLER, CUSTOMER = 0, 1
_CC_CONTACT_P = np.array([0.25, 0.12, 0.05])  # by segment
_CC_COLLEAGUE_P = np.array([0.14, 0.08, 0.04])
MACHINE_AGENTS = (
    "Mozilla/5.0",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
    "Mozilla/5.0 (compatible; Barracuda Email Security Link Scanner)",
)
HUMAN_AGENTS = (
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
)
LINKS = ("https://harborline.io/proposal", "https://harborline.io/pricing", "https://harborline.io/case-studies", "https://harborline.io/docs/security")


@dataclass
class ThreadStarts:
    """First messages of threads; force: -1 natural, 0 the contact never answers (no chases),
    1 the contact answers the first message once and the thread ends."""

    person: np.ndarray
    user: np.ndarray
    utc: np.ndarray
    first_author: np.ndarray
    opp: np.ndarray
    reg_acct: np.ndarray
    subject: list[str]
    cc_person: np.ndarray
    cc_user: np.ndarray
    reply_all: np.ndarray
    force: np.ndarray
    person_addr: list[str]
    user_addr: list[str]
    link: np.ndarray
    gen: np.ndarray

    @property
    def n(self) -> int:
        return self.person.size


def make_starts(rng: np.random.Generator, org: Org, deals: Deals, person: np.ndarray, user: np.ndarray, utc: np.ndarray,
                first_author: np.ndarray, opp: np.ndarray, *, force: int = -1, subjects: list[str] | None = None,
                gen: int = P.GEN_THREAD, cc: bool = True) -> ThreadStarts:
    """Fill in the details of new threads: subject, copies, which addresses are used."""
    n = person.size
    persons, accounts, users = org.persons, org.accounts, org.users
    acct = persons.account[person]
    seg = accounts.segment[acct]
    reg_acct = np.where((opp >= 0) | (rng.random(n) < 0.65), acct, -1)
    if subjects is None:
        subjects = _subjects(rng, org, deals, acct, opp, first_author)
    order, starts = org.account_people()
    size = starts[acct + 1] - starts[acct]
    other = order[np.minimum(starts[acct] + (rng.random(n) * size).astype(np.int64), starts[acct + 1] - 1)]
    cc_person = np.where(cc & (rng.random(n) < _CC_CONTACT_P[seg]) & (other != person), other, -1)
    helper = np.where(rng.random(n) < 0.6, users.engineer[user], users.manager[user])
    cc_user = np.where(cc & (rng.random(n) < _CC_COLLEAGUE_P[seg]) & (helper >= 0) & (helper != user), helper, -1)
    use_alt = rng.random(n) < persons.alt_share[person]
    person_addr = [persons.alt_email[p] if a else persons.email[p] for p, a in zip(person.tolist(), use_alt.tolist())]
    use_alias = rng.random(n) < 0.15
    user_addr = [users.alias[u] if (a and users.alias[u]) else users.email[u] for u, a in zip(user.tolist(), use_alias.tolist())]
    link = (first_author == SELLER) & (rng.random(n) < 0.3)
    return ThreadStarts(
        person=person.astype(np.int64), user=user.astype(np.int64), utc=utc.astype(np.int64),
        first_author=first_author.astype(np.int64), opp=opp.astype(np.int64), reg_acct=reg_acct.astype(np.int64),
        subject=subjects, cc_person=cc_person.astype(np.int64), cc_user=cc_user.astype(np.int64),
        reply_all=rng.random(n) < 0.6, force=np.full(n, force, dtype=np.int64), person_addr=person_addr,
        user_addr=user_addr, link=link, gen=np.full(n, gen, dtype=np.int64),
    )


def _subjects(rng: np.random.Generator, org: Org, deals: Deals, acct: np.ndarray, opp: np.ndarray, first_author: np.ndarray) -> list[str]:
    n = acct.size
    pick = rng.integers(0, 1_000_000, n).tolist()
    out = []
    for a, o, fa, p in zip(acct.tolist(), opp.tolist(), first_author.tolist(), pick):
        if fa == CUSTOMER:
            out.append(text.INBOUND_SUBJECTS[p % len(text.INBOUND_SUBJECTS)])
        elif o >= 0:
            tpl = text.DEAL_SUBJECTS[p % len(text.DEAL_SUBJECTS)]
            name = deals.name[o]
            out.append(tpl.format(deal=name, account=org.accounts.name[a], product=name.split(" - ")[-1]))
        else:
            out.append(text.GENERAL_SUBJECTS[p % len(text.GENERAL_SUBJECTS)])
    return out


def _day(org: Org, utc: np.ndarray) -> np.ndarray:
    cal = org.calendar
    return np.clip((utc - cal.base_utc) // DAY, 0, cal.n_days - 1)


def run_threads(starts: ThreadStarts, org: Org, health: np.ndarray, rng: np.random.Generator,
                first_thread: int, mute_from_utc: np.ndarray) -> P.Part:
    """Play every thread out; thread numbers are first_thread, first_thread + 1, ..."""
    if starts.n == 0:
        return P.empty()
    end_utc = org.calendar.end_utc
    persons, users = org.persons, org.users
    # A contact who has gone quiet is not copied on new threads either.
    cc = starts.cc_person
    starts.cc_person = np.where((cc >= 0) & (starts.utc >= mute_from_utc[np.maximum(cc, 0)]), -1, cc)
    # Message log, level by level.
    m_thread = [np.arange(starts.n)]
    m_author = [starts.first_author]
    m_utc = [starts.utc]
    m_parent = [np.full(starts.n, -1)]
    m_kind = [np.zeros(starts.n, dtype=np.int64)]  # seller wording: 0 opener, 1 chase, 2 reply
    f_msg = np.arange(starts.n)
    f_thread, f_author, f_utc = np.arange(starts.n), starts.first_author, starts.utc
    f_chases = np.zeros(starts.n, dtype=np.int64)
    f_kind = m_kind[0]
    next_msg = starts.n
    for _depth in range(1, MAX_MESSAGES):
        if f_msg.size == 0:
            break
        t = f_thread
        person = starts.person[t]
        force = starts.force[t]
        seller_msg = f_author == SELLER
        # Contact's turn after a seller message.
        h = health[person, _day(org, f_utc)].astype(np.float64)
        r = np.where(force == 0, 0.0, np.where(force == 1, 1.0, p_reply(h)))
        r = np.where(f_utc >= mute_from_utc[person], 0.0, r)
        replied = seller_msg & (rng.random(t.size) < r)
        reply_utc = defer_to_working_time(rng, org.zones, persons.zone[person],
                                          f_utc + (reply_delay_hours(rng, h) * HOUR).astype(np.int64))
        # Sellers chase an unanswered request, not their own "thanks, will do" reply.
        chase = seller_msg & ~replied & (force == -1) & (f_kind != 2) & (f_chases < MAX_CHASES) & (rng.random(t.size) < CHASE_P)
        user_zone = users.zone[starts.user[t]]
        chase_utc = defer_to_working_time(rng, org.zones, user_zone, f_utc + (rng.uniform(2.5, 7.0, t.size) * DAY).astype(np.int64))
        # Seller's turn after a contact's message (not after a forced single answer).
        answer = ~seller_msg & (force == -1) & (rng.random(t.size) < SELLER_REPLY_P)
        answer_utc = defer_to_working_time(rng, org.zones, user_zone,
                                           f_utc + (rng.lognormal(np.log(1.5), 0.8, t.size) * HOUR).astype(np.int64))
        new_author = np.concatenate([np.full(replied.sum(), CUSTOMER), np.full(chase.sum(), SELLER), np.full(answer.sum(), SELLER)])
        new_thread = np.concatenate([t[replied], t[chase], t[answer]])
        new_utc = np.concatenate([reply_utc[replied], chase_utc[chase], answer_utc[answer]])
        new_parent = np.concatenate([f_msg[replied], f_msg[chase], f_msg[answer]])
        new_kind = np.concatenate([np.zeros(replied.sum(), np.int64), np.ones(chase.sum(), np.int64), np.full(answer.sum(), 2)])
        new_chases = np.concatenate([f_chases[replied], f_chases[chase] + 1, f_chases[answer]])
        keep = new_utc < end_utc  # nothing after the extract was taken
        count = int(keep.sum())
        ids = np.arange(next_msg, next_msg + count)
        next_msg += count
        m_thread.append(new_thread[keep])
        m_author.append(new_author[keep])
        m_utc.append(new_utc[keep])
        m_parent.append(new_parent[keep])
        m_kind.append(new_kind[keep])
        f_msg, f_thread, f_author, f_utc, f_chases = ids, new_thread[keep], new_author[keep], new_utc[keep], new_chases[keep]
        f_kind = new_kind[keep]
    thread = np.concatenate(m_thread)
    author = np.concatenate(m_author)
    utc = np.concatenate(m_utc)
    parent = np.concatenate(m_parent)
    kind = np.concatenate(m_kind)
    return _materialise(starts, org, health, rng, first_thread, thread, author, utc, parent, kind)


def _materialise(starts: ThreadStarts, org: Org, health: np.ndarray, rng: np.random.Generator, first_thread: int,
                 thread: np.ndarray, author: np.ndarray, utc: np.ndarray, parent: np.ndarray, kind: np.ndarray) -> P.Part:
    """Turn the message log into activity, party and event rows."""
    persons, users = org.persons, org.users
    n = thread.size
    person = starts.person[thread]
    user = starts.user[thread]
    is_seller = author == SELLER
    zone = np.where(is_seller, users.zone[user], persons.zone[person])
    off = org.zones.offset_at(zone, utc).astype(np.int64)
    p_addr = [starts.person_addr[t] for t in thread.tolist()]
    u_addr = [starts.user_addr[t] for t in thread.tolist()]
    p_name = [persons.full_name(p) for p in person.tolist()]
    u_name = [users.full_name[u] for u in user.tolist()]
    h = health[person, _day(org, utc)].astype(np.float64)
    level0 = parent < 0
    seller_words = text.seller_bodies(rng, kind, [persons.first[p] for p in person.tolist()])
    customer_words = text.customer_bodies(rng, h, level0, [users.first[u] for u in user.tolist()])
    own = [s if sel else c for s, c, sel in zip(seller_words, customer_words, is_seller.tolist())]
    stamps = text.quote_stamps(utc, off)
    seller_sent = is_seller.tolist()
    body: list[str] = []
    for i, par in enumerate(parent.tolist()):
        if par < 0:
            body.append(own[i])
        else:
            p_sel = seller_sent[par]
            body.append(text.with_quote(own[i], own[par], u_name[par] if p_sel else p_name[par],
                                        u_addr[par] if p_sel else p_addr[par], stamps[par]))
    subject = [starts.subject[t] if par < 0 else f"Re: {starts.subject[t]}" for t, par in zip(thread.tolist(), parent.tolist())]
    sender_domain = [INTERNAL_DOMAIN if sel else p.split("@", 1)[1] for sel, p in zip(seller_sent, p_addr)]
    acts = P.frame({
        "key": np.arange(n), "kind": np.full(n, P.KIND_EMAIL), "utc": utc, "off": off,
        "end_utc": np.full(n, -1), "end_off": np.zeros(n), "status": np.full(n, P.COMPLETED),
        "source": np.full(n, P.SYNCED), "subject": subject, "thread": first_thread + thread, "parent": parent,
        "opp": starts.opp[thread], "reg_acct": starts.reg_acct[thread], "owner": user, "body": body,
        "acct": persons.account[person], "person": person, "sender_domain": sender_domain, "gen": starts.gen[thread],
    }, P.ACT_COLUMNS)
    parties = _parties(starts, org, thread, is_seller, parent, p_addr, u_addr, p_name, u_name)
    events = _events(starts, org, health, rng, thread, author, utc, parent, person, p_addr)
    return P.Part(acts, parties, events)


def _parties(starts: ThreadStarts, org: Org, thread: np.ndarray, is_seller: np.ndarray, parent: np.ndarray,
             p_addr: list[str], u_addr: list[str], p_name: list[str], u_name: list[str]) -> pd.DataFrame:
    persons, users = org.persons, org.users
    n = thread.size
    keys = np.arange(n)
    sender_addr = [u if s else p for u, p, s in zip(u_addr, p_addr, is_seller.tolist())]
    sender_name = [u if s else p for u, p, s in zip(u_name, p_name, is_seller.tolist())]
    to_addr = [p if s else u for u, p, s in zip(u_addr, p_addr, is_seller.tolist())]
    to_name = [p if s else u for u, p, s in zip(u_name, p_name, is_seller.tolist())]
    with_cc = (parent < 0) | starts.reply_all[thread]
    cc_p = starts.cc_person[thread]
    cc_u = starts.cc_user[thread]
    has_cp = with_cc & (cc_p >= 0)
    has_cu = with_cc & (cc_u >= 0)
    cp_idx = np.flatnonzero(has_cp)
    cu_idx = np.flatnonzero(has_cu)
    cols = {
        "key": np.concatenate([keys, keys, cp_idx, cu_idx]),
        "role": np.concatenate([np.full(n, P.SENDER), np.full(n, P.TO), np.full(cp_idx.size, P.CC), np.full(cu_idx.size, P.CC)]),
        "address": sender_addr + to_addr + [persons.email[p] for p in cc_p[cp_idx].tolist()] + [users.email[u] for u in cc_u[cu_idx].tolist()],
        "name": sender_name + to_name + [persons.full_name(p) for p in cc_p[cp_idx].tolist()] + [users.full_name[u] for u in cc_u[cu_idx].tolist()],
        "part": np.full(2 * n + cp_idx.size + cu_idx.size, -1),
    }
    return P.frame(cols, P.PARTY_COLUMNS)


def _events(starts: ThreadStarts, org: Org, health: np.ndarray, rng: np.random.Generator, thread: np.ndarray,
            author: np.ndarray, utc: np.ndarray, parent: np.ndarray, person: np.ndarray, p_addr: list[str]) -> pd.DataFrame:
    """Tracking events of every seller-sent message, for its contact recipients."""
    persons = org.persons
    end_utc = org.calendar.end_utc
    n = thread.size
    # The contact's answer to each message, if any (-1 none).
    answered_at = np.full(n, -1, dtype=np.int64)
    is_reply = (parent >= 0) & (author == CUSTOMER)
    answered_at[parent[is_reply]] = utc[is_reply]
    sent = np.flatnonzero(author == SELLER)
    # Recipients: the thread's contact, and the copied contact where the message carried the copy.
    cc_p = starts.cc_person[thread]
    with_cc = ((parent < 0) | starts.reply_all[thread]) & (cc_p >= 0)
    cc_sent = sent[with_cc[sent]]
    msg = np.concatenate([sent, cc_sent])
    rcpt = np.concatenate([person[sent], cc_p[cc_sent]])
    addr = [p_addr[m] for m in sent.tolist()] + [persons.email[p] for p in cc_p[cc_sent].tolist()]
    primary = np.concatenate([np.ones(sent.size, bool), np.zeros(cc_sent.size, bool)])
    k = msg.size
    t0 = utc[msg]
    h = health[rcpt, _day(org, t0)].astype(np.float64)
    answered = np.where(primary, answered_at[msg], -1)
    zone = persons.zone[rcpt]
    bounce = (answered < 0) & (rng.random(k) < 0.012)
    delivered = t0 + rng.integers(1, 20, k)
    machine = ~bounce & persons.machine_opener[rcpt]
    machine_t = delivered + rng.integers(1, 30, k)
    human = ~bounce & ((answered >= 0) | (rng.random(k) < np.where(primary, 0.25 + 0.5 * h, 0.2 + 0.3 * h)))
    lag = (rng.lognormal(np.log(2.0), 1.0, k) * np.exp(2.0 * (1.0 - h)) * HOUR).astype(np.int64)
    # Unprompted opens happen when people are awake; an open before a reply lies between the two.
    later = defer_to_working_time(rng, org.zones, zone, delivered + 60 + lag)
    human_t = np.where(answered >= 0, delivered + ((answered - delivered) * rng.uniform(0.2, 0.95, k)).astype(np.int64), later)
    again = human & (rng.random(k) < 0.25)
    again_t = human_t + (rng.lognormal(np.log(20.0), 1.0, k) * HOUR).astype(np.int64)
    linked = starts.link[thread[msg]] & (parent[msg] < 0)
    click = human & linked & (rng.random(k) < 0.2 + 0.3 * h)
    click_t = human_t + rng.integers(5, 300, k)
    link_pick = rng.integers(0, len(LINKS), k)
    ua_m = rng.integers(0, len(MACHINE_AGENTS), k)
    ua_h = rng.integers(0, len(HUMAN_AGENTS), k)
    sender_zone = org.users.zone[starts.user[thread[msg]]]

    rows_key, rows_type, rows_utc, rows_zone, rows_rcpt, rows_machine, rows_ua, rows_link = [], [], [], [], [], [], [], []

    def add(mask: np.ndarray, etype: int, when: np.ndarray, zones: np.ndarray, machine_flag: int, ua: list[str] | None, link: list[str] | None) -> None:
        idx = np.flatnonzero(mask & (when < end_utc))
        rows_key.append(msg[idx])
        rows_type.append(np.full(idx.size, etype))
        rows_utc.append(when[idx])
        rows_zone.append(zones[idx])
        rows_rcpt.extend(addr[i] for i in idx.tolist())
        rows_machine.append(np.full(idx.size, machine_flag))
        rows_ua.extend([None] * idx.size if ua is None else [ua[i] for i in idx.tolist()])
        rows_link.extend([None] * idx.size if link is None else [link[i] for i in idx.tolist()])

    all_rows = np.ones(k, bool)
    machine_ua = [MACHINE_AGENTS[i] for i in ua_m.tolist()]
    human_ua = [HUMAN_AGENTS[i] for i in ua_h.tolist()]
    links = [f"{LINKS[i]}?utm_source=email" for i in link_pick.tolist()]
    add(all_rows, P.EV_SENT, t0, sender_zone, -1, None, None)
    add(bounce, P.EV_BOUNCE, delivered + 30, sender_zone, -1, None, None)
    add(~bounce, P.EV_DELIVERED, delivered, sender_zone, -1, None, None)
    add(machine, P.EV_OPEN, machine_t, zone, 1, machine_ua, None)
    add(human, P.EV_OPEN, human_t, zone, 0, human_ua, None)
    add(again, P.EV_OPEN, again_t, zone, 0, human_ua, None)
    add(click, P.EV_CLICK, click_t, zone, -1, human_ua, links)
    add(answered >= 0, P.EV_REPLY, answered, zone, -1, None, None)
    utc_all = np.concatenate(rows_utc)
    zone_all = np.concatenate(rows_zone)
    return P.frame({
        "key": np.concatenate(rows_key), "etype": np.concatenate(rows_type), "utc": utc_all,
        "off": org.zones.offset_at(zone_all, utc_all), "recipient": rows_rcpt,
        "machine": np.concatenate(rows_machine), "ua": rows_ua, "link": rows_link,
    }, P.EVENT_COLUMNS)

