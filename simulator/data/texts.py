"""What people write in a contact center: chat lines, emails and agents' notes about one topic,
and the disposition that fits how an interaction ended.

Lorem-ipsum text never looks like a CRM note. Here each interaction is about a ``Topic`` (a late
order, a double charge, a password reset ...), and the customer's lines, the email, the agent's
replies and the note all come from that topic's templates, filled with a seeded generator. The
disposition is chosen by outcome: an interaction where someone talked never gets "Answering
machine" or "Silence"; one where nobody answered only gets those.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NO_CONTACT_WORDS",
    "TOPICS",
    "Conversation",
    "Topic",
    "choose_disposition",
    "is_no_contact",
    "is_sales",
]


@dataclass(frozen=True)
class Topic:
    """What an interaction is about, and what each side says about it. Templates may use
    ``{order}``, ``{amount}``, ``{day}`` and ``{product}``."""

    subject: str
    opening: tuple[str, ...]
    details: tuple[str, ...]
    agent: tuple[str, ...]
    notes: dict[str, tuple[str, ...]]
    """Notes by outcome: ``SUCCESS``, ``FAILURE``, ``CONTINUE``, ``DO_NOT_CALL``, ``NONE``
    (no disposition chosen)."""
    sales: bool = False
    """A sales conversation (a service whose dispositions record sales talks about these)."""


_PRODUCTS = ("router", "headset", "monthly plan", "annual plan", "espresso machine", "printer")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

TOPICS: tuple[Topic, ...] = (
    Topic(
        "Order {order} has not arrived",
        (
            "Hi, my order {order} has not arrived yet.",
            "Hello, I'm still waiting for order {order}.",
        ),
        (
            "It was supposed to come on {day}.",
            "The tracking page has not changed for three days.",
            "I need it before the weekend if possible.",
        ),
        (
            "Let me look up order {order} for you.",
            "I can see it left our warehouse on {day}.",
            "The carrier shows it out for delivery tomorrow.",
        ),
        {
            "SUCCESS": (
                "Order {order} delayed at the carrier; confirmed delivery tomorrow.",
                "Gave tracking update for order {order}; customer satisfied.",
            ),
            "CONTINUE": ("Opened a carrier trace for order {order}; call back on {day}.",),
            "FAILURE": ("Order {order} lost in transit; customer declined a replacement.",),
            "NONE": ("Tracking update for order {order}.",),
        },
    ),
    Topic(
        "Charged twice for {product}",
        (
            "I was charged twice for my {product}.",
            "There are two payments of ${amount} on my card.",
        ),
        (
            "Both charges are from {day}.",
            "The second one is still pending.",
            "Can you refund one of them?",
        ),
        (
            "I'm sorry about that, let me check the payments.",
            "I can see the duplicate charge of ${amount}.",
            "The refund will show in 3 to 5 business days.",
        ),
        {
            "SUCCESS": ("Duplicate charge of ${amount} refunded; customer informed of 3-5 days.",),
            "CONTINUE": ("Duplicate charge of ${amount} sent to billing for review.",),
            "FAILURE": ("Second charge of ${amount} is a valid renewal; customer disagreed.",),
            "NONE": ("Asked about a charge of ${amount}.",),
        },
    ),
    Topic(
        "Cannot log in to my account",
        ("I can't log in to my account.", "My password reset link does not work."),
        (
            "It says my account is locked.",
            "I tried three times this morning.",
            "The reset email never came.",
        ),
        (
            "I can help with that. Can you confirm the email on the account?",
            "I've sent a new reset link, it is valid for 30 minutes.",
            "Your account is unlocked now.",
        ),
        {
            "SUCCESS": ("Account unlocked and password reset link resent.",),
            "CONTINUE": ("Reset email not received; escalated to IT, ticket opened.",),
            "FAILURE": ("Could not verify identity; customer to call back with ID.",),
            "NONE": ("Login problem, reset link sent.",),
        },
    ),
    Topic(
        "Question about the {product}",
        ("I have a question about the {product}.", "Does the {product} come with a warranty?"),
        (
            "I'm thinking about upgrading.",
            "What is the difference with the newer model?",
            "Is there a discount for existing customers?",
        ),
        (
            "Good question, the {product} has a two-year warranty.",
            "The newer model adds faster setup and a longer warranty.",
            "I can offer 10% off if you upgrade today.",
        ),
        {
            "SUCCESS": (
                "Customer upgraded to the new {product}; 10% loyalty discount applied.",
                "Answered warranty question about the {product}.",
            ),
            "CONTINUE": ("Interested in the {product}; wants a callback on {day}.",),
            "FAILURE": ("Not interested in the {product} upgrade at this time.",),
            "DO_NOT_CALL": ("Customer asked not to be called about offers again.",),
            "NONE": ("Product question about the {product}.",),
        },
        sales=True,
    ),
    Topic(
        "Change of address",
        ("I moved and need to update my address.", "Can I change my billing address?"),
        (
            "The new address is effective from {day}.",
            "Please also update it on order {order}.",
        ),
        (
            "Sure, I've updated the address on your account.",
            "Order {order} will go to the new address.",
        ),
        {
            "SUCCESS": ("Address updated, including open order {order}.",),
            "CONTINUE": ("Address change pending proof of residence.",),
            "FAILURE": ("Order {order} already shipped; address could not be changed.",),
            "NONE": ("Address change request.",),
        },
    ),
    Topic(
        "Cancel my {product}",
        ("I'd like to cancel my {product}.", "How do I cancel the {product}?"),
        ("It's too expensive for me now.", "I'm moving to another provider."),
        (
            "I'm sorry to hear that. Can I offer you three months at half price?",
            "I've processed the cancellation, effective at the end of the month.",
        ),
        {
            "SUCCESS": ("Retention offer accepted: three months of {product} at half price.",),
            "CONTINUE": ("Thinking about the retention offer; follow up on {day}.",),
            "FAILURE": ("Cancelled the {product} at the end of the billing period.",),
            "NONE": ("Cancellation request for the {product}.",),
        },
        sales=True,
    ),
)
"""What interactions are about."""

NO_CONTACT_WORDS = (
    "answering machine",
    "voicemail",
    "silence",
    "no answer",
    "busy",
    "bad record",
    "wrong number",
    "record matches dnc",
    "fax",
    "disconnected",
)
"""Disposition names that say nobody talked to the customer."""

_NO_CONTACT_NOTES = (
    "No answer; will retry later.",
    "Reached voicemail, no message left.",
    "Number rang out.",
)
_TYPE_WEIGHTS = {"SUCCESS": 0.62, "CONTINUE": 0.24, "FAILURE": 0.12, "DO_NOT_CALL": 0.02}


def is_no_contact(name: str) -> bool:
    """Whether a disposition's name says nobody talked to the customer."""
    lowered = name.lower()
    return any(word in lowered for word in NO_CONTACT_WORDS)


def _type_of(disposition: Any) -> str:
    kind = getattr(disposition, "type", "SUCCESS")
    return str(getattr(kind, "value", kind))


def choose_disposition(dispositions: Sequence[Any], reached: bool, rng: random.Random) -> Any:
    """A disposition that fits the outcome: one where someone talked (``reached``), weighted by
    type (mostly SUCCESS), or one that says nobody did. None when no disposition fits."""
    if reached:
        fitting = [d for d in dispositions if not is_no_contact(d.name)]
        if not fitting:
            return None
        weights = [_TYPE_WEIGHTS.get(_type_of(d), 0.1) for d in fitting]
        return rng.choices(fitting, weights)[0]
    fitting = [d for d in dispositions if is_no_contact(d.name)]
    if not fitting:
        fitting = [d for d in dispositions if _type_of(d) in ("FAILURE", "CONTINUE")]
    return rng.choice(fitting) if fitting else None


@dataclass(frozen=True)
class Conversation:
    """One interaction's topic with its values drawn once, so the subject, the lines and the note
    all name the same order, amount, day and product."""

    topic: Topic
    values: dict[str, str]

    @classmethod
    def draw(cls, rng: random.Random, sales: bool = False) -> Conversation:
        """A topic and its values (a sales topic for a sales service)."""
        values = {
            "order": str(rng.randint(100_000, 999_999)),
            "amount": f"{rng.randint(9, 240)}.{rng.choice(('00', '49', '99'))}",
            "day": rng.choice(_DAYS),
            "product": rng.choice(_PRODUCTS),
        }
        topics = [topic for topic in TOPICS if topic.sales] if sales else TOPICS
        return cls(rng.choice(topics), values)

    def _fill(self, template: str) -> str:
        return template.format(**self.values) if "{" in template else template

    def subject(self) -> str:
        """An email subject."""
        return self._fill(self.topic.subject)

    def opening(self, rng: random.Random) -> str:
        """The customer's first line."""
        return self._fill(rng.choice(self.topic.opening))

    def customer_line(self, rng: random.Random) -> str:
        """A later line of the customer's."""
        return self._fill(rng.choice(self.topic.details))

    def agent_line(self, rng: random.Random) -> str:
        """A line of the agent's."""
        return self._fill(rng.choice(self.topic.agent))

    def email_body(self, rng: random.Random, name: str) -> str:
        """An email from the customer, signed with ``name``: its greeting, paragraphs and
        sign-off vary with what it says (the same draws from ``rng`` as always)."""
        details = rng.sample(self.topic.details, k=min(2, len(self.topic.details)))
        lines = [self.opening(rng), *(self._fill(line) for line in details)]
        style = self._style("email", name, *lines)
        greeting = style.choice(_GREETINGS)
        if greeting:  # "Hello,\n\nHi, my order ...": the opening does not greet again
            lines[0] = _without_greeting(lines[0])
        split = style.randrange(len(lines) + 1)  # a paragraph break, or none
        paragraphs = [" ".join(lines[:split]), " ".join(lines[split:])]
        closing = style.choice(_CLOSINGS)
        if closing:
            paragraphs.append(closing)
        text = "\n\n".join(part for part in paragraphs if part)
        return (
            (greeting + "\n\n" if greeting else "")
            + text
            + f"\n\n{style.choice(_SIGN_OFFS)}\n{name}"
        )

    def reply(self, rng: random.Random) -> str:
        """The agent's email reply."""
        line = self.agent_line(rng)
        style = self._style("reply", line)
        greeting, thanks = style.choice(_REPLY_GREETINGS), style.choice(_REPLY_THANKS)
        body = f"{thanks} {line}" if thanks and not greeting.startswith("Thank") else line
        return f"{greeting}\n\n{body}\n\n{style.choice(_REPLY_SIGN_OFFS)}"

    def _style(self, *what: str) -> random.Random:
        """A generator of the wording around the text, seeded by the text and the values drawn:
        the same seed gives the same email, and the seeded stream is not drawn from (every
        later seeded value stays as it was)."""
        values = "|".join(f"{key}={value}" for key, value in sorted(self.values.items()))
        return random.Random("|".join((self.topic.subject, values, *what)))

    def note(self, disposition: Any, reached: bool, rng: random.Random) -> str:
        """A note that fits the topic and how the interaction ended."""
        if not reached:
            return rng.choice(_NO_CONTACT_NOTES)
        kind = _type_of(disposition) if disposition is not None else "NONE"
        options = self.topic.notes.get(kind) or self.topic.notes["NONE"]
        return self._fill(rng.choice(options))


_GREETINGS = (
    "Hello,",
    "Hi,",
    "Hi there,",
    "Good morning,",
    "Good afternoon,",
    "Dear Customer Care,",
    "Dear support team,",
    "To whom it may concern,",
    "",
    "",
)
"""A customer's first line ("" starts with what they write)."""
_CLOSINGS = (
    "",
    "",
    "Thanks in advance.",
    "Looking forward to hearing from you.",
    "Please let me know as soon as you can.",
    "Could you get back to me today?",
    "I hope you can help.",
)
_SIGN_OFFS = ("Thanks,", "Thank you,", "Many thanks,", "Best regards,", "Kind regards,", "Best,")
_REPLY_GREETINGS = ("Hello,", "Hi,", "Dear customer,", "Good morning,", "Thank you for your email.")
_REPLY_THANKS = ("", "", "Thanks for getting in touch.", "Thank you for your patience.")
_REPLY_SIGN_OFFS = (
    "Kind regards,\nCustomer Care",
    "Best regards,\nThe support team",
    "Thanks,\nCustomer Care",
    "Have a good day,\nCustomer Care",
)
_GREETING_WORDS = ("Hi, ", "Hello, ")


def _without_greeting(line: str) -> str:
    """``line`` without a leading "Hi, " or "Hello, " (capitalised again)."""
    for word in _GREETING_WORDS:
        if line.startswith(word):
            rest = line[len(word) :]
            return rest[:1].upper() + rest[1:]
    return line


def is_sales(dispositions: Sequence[Any]) -> bool:
    """Whether a service's dispositions record sales (a disposition named ``... sold``)."""
    return any("sold" in d.name.lower() for d in dispositions)
