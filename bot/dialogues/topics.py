"""Topic flows (flows/*.yaml): school, kita, energy, letters, ... run by the flow engine."""
from __future__ import annotations

from bot.content.flows import UnknownStep
from bot.core.actions import FlowGo, OpenTopic
from bot.core.dispatch import Dialogue, Question
from bot.core.turn import Replies, Turn
from bot.dialogues.basics import outdated_button
from bot.handoff import notes

dialogue = Dialogue("topics")


@dialogue.intents_where(lambda turn, intent: intent in turn.services.flows)
async def topic_asked(turn: Turn, question: Question) -> Replies:
    """Every intent that is a topic flow, unless a feature answers it."""
    assert question.intent is not None
    turn.extra[notes.OPENED] = question.intent
    return await open_topic(turn, question.intent)


async def open_topic(turn: Turn, topic: str) -> Replies:
    await turn.leave()
    try:
        return [turn.services.flows.start_reply(topic, turn.lang)]
    except UnknownStep:
        return outdated_button(turn)


async def flow_step(turn: Turn, flow: str, step: str) -> Replies:
    try:
        return [turn.services.flows.reply_for(flow, step, turn.lang)]
    except UnknownStep:
        return outdated_button(turn)


@dialogue.action(OpenTopic)
async def topic_pressed(turn: Turn, action: OpenTopic) -> Replies:
    return await open_topic(turn, action.topic)


@dialogue.action(FlowGo)
async def step_pressed(turn: Turn, action: FlowGo) -> Replies:
    return await flow_step(turn, action.flow, action.step)
