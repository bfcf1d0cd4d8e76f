"""Talk to a person: consent first, then everything the person types or sends goes to staff.

Entry: /human, the menu button and "talk to staff" under any answer (TalkToStaff), the `human`
intent. The consent step says, in the person's language, what staff will see and — only if the
city configured a translation service — that messages are machine-translated by that service.
The relaying itself is in bot.handoff.service; the staff chat behind bot.handoff.desk.
"""
from __future__ import annotations

from bot.core.actions import HandoffConsent, OpenMenu, ShowOriginal, TalkToStaff
from bot.core.dispatch import Dialogue
from bot.core.events import MediaIn
from bot.core.replies import Choice, Msg, Raw, Reply, rows
from bot.core.turn import Replies, Turn
from bot.dialogues.menu import main_menu
from bot.handoff import notes, service
from bot.handoff.desk import desk_of
from bot.handoff.translate import service_name

dialogue = Dialogue("handoff")


@dialogue.command("human")
async def human_command(turn: Turn, args: str = "") -> Replies:
    return await talk_to_staff(turn, None)


@dialogue.action(TalkToStaff)
async def talk_pressed(turn: Turn, action: TalkToStaff) -> Replies:
    return await talk_to_staff(turn, action.topic)


async def talk_to_staff(turn: Turn, topic: str | None) -> Replies:
    if not desk_of(turn).available:
        return [service.unavailable()]
    current = await service.latest_handoff(turn.services, turn.person.id)
    if current is not None and current.status == "open" and current.staff_chat_id == desk_of(turn).chat_id:
        await service.goto_open(turn)
        return [Reply(Msg("handoff.still_connected"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]
    return await ask_consent(turn, topic)


async def ask_consent(turn: Turn, topic: str | None) -> Replies:
    last = await notes.last_topic(turn)
    data = {"topic": topic} if topic else {}
    if last:
        data[notes.LAST_TOPIC] = last
    await turn.goto(service.CONSENT_STEP, **data)
    name = service_name(turn.services)
    translation = Msg("handoff.consent_translation", service=name) if name else Raw("")
    return [Reply(
        Msg("handoff.consent", days=turn.services.settings.retention_days, translation=translation),
        choices=rows([Choice(Msg("handoff.consent_yes"), HandoffConsent(True))],
                     [Choice(Msg("handoff.consent_no"), HandoffConsent(False))]),
    )]


@dialogue.action(HandoffConsent)
async def consent_pressed(turn: Turn, action: HandoffConsent) -> Replies:
    step = await turn.step()
    data = await turn.data()
    if not action.agree:
        turn.person.translation_consent = False
        await turn.leave()
        return [Reply(Msg("handoff.declined")), main_menu(turn)]
    if step != service.CONSENT_STEP:
        # An old consent message: ask again, so the person sees what they agree to now.
        return await talk_to_staff(turn, data.get("topic"))
    if service_name(turn.services) is not None:
        turn.person.translation_consent = True
    return await service.connect(turn, data.get("topic"))


@dialogue.text_in_step(service.CONSENT_STEP)
async def typed_before_consent(turn: Turn, text: str) -> Replies:
    return [Reply(Msg("handoff.consent_pending"))] + await ask_consent(turn, (await turn.data()).get("topic"))


@dialogue.media_in_step(service.CONSENT_STEP)
async def media_before_consent(turn: Turn, media: MediaIn) -> Replies:
    return await typed_before_consent(turn, "")


@dialogue.text_in_step(service.OPEN_STEP)
async def typed_to_staff(turn: Turn, text: str) -> Replies:
    return await service.relay_text(turn, text)


@dialogue.media_in_step(service.OPEN_STEP)
async def media_to_staff(turn: Turn, media: MediaIn) -> Replies:
    return await service.relay_media(turn, media)


@dialogue.action(ShowOriginal)
async def original_pressed(turn: Turn, action: ShowOriginal) -> Replies:
    return await service.show_original(turn, action.message)
