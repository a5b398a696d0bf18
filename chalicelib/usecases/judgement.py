"""Who judges a visitor's message for an agent: the built-in responder and detector, or, when the agent
turned it on in Settings and this deployment allows the model, a Bedrock model (falling back to the
built-in on any failure, within a bounded time)."""
import logging

from chalicelib.domain.bot import BotAnswer, detect_language, error_text

logger = logging.getLogger(__name__)


def allowed_model(ctx, settings):
    llm = settings.get('llm') or {}
    model = llm.get('model_id')
    return model if llm.get('enabled') and model and model in ctx.config.bedrock_model_ids else None


class Judges:
    """The answer and the handoff detection for one visitor turn. Remembered by text: the unit of work
    may decide the same turn again after a lost race, and a model call is slow and costs money."""

    def __init__(self, ctx, settings, entries, recent=()):
        self.ctx, self.settings, self.entries = ctx, settings, entries
        self.transcript = [{'role': 'visitor', 'text': t} for t in recent]
        self.model = allowed_model(ctx, settings)
        self._answers, self._detections = {}, {}
        if self.model:
            from chalicelib.adapters.llm import BedrockDetector, BedrockResponder   # only agents that use it pay the import
            self.responder = BedrockResponder(self.model, fallback=ctx.responder)
            self._detector = BedrockDetector(self.model)
        else:
            self.responder, self._detector = ctx.responder, None

    def answer(self, text):
        if text not in self._answers:
            try:
                self._answers[text] = self.responder.answer(text, self.entries,
                                                            threshold=self.settings['confidence_threshold'],
                                                            transcript=self.transcript)
            except Exception:  # the visitor is never left without an answer because the bot broke
                logger.exception('responder failed')
                self._answers[text] = BotAnswer(error_text(detect_language(text)), 0.0)
        return self._answers[text]

    @property
    def detect(self):
        """None: the aggregate uses the built-in detector itself."""
        if self._detector is None:
            return None

        def detect(text, visitor, switches, previous_handoffs, recent):
            key = (text, tuple(recent))
            if key not in self._detections:
                self._detections[key] = self._detector.detect(text, visitor, switches, previous_handoffs, recent)
            return self._detections[key]
        return detect
