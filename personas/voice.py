"""A persona as the voice pipeline sees it: plain data, no ORM objects."""

from __future__ import annotations

from conversations.pipeline.interfaces import ReferenceClip, VoiceSettings
from conversations.pipeline.ports import PersonaSpec
from personas.api import avatar_info
from personas.models import Persona


def voice_settings(persona: Persona) -> VoiceSettings:
    """The persona's voice for every TTS backend (reference clips prefetched if possible)."""
    clips = {
        clip.emotion: ReferenceClip(
            path=clip.tts_server_path, prompt_text=clip.prompt_text, prompt_lang=clip.prompt_lang
        )
        for clip in persona.reference_clips.all()
    }
    return VoiceSettings(
        language=persona.language,
        espeak_voice=persona.espeak_voice,
        speed=persona.speech_rate,
        pitch=persona.pitch,
        openai_voice=persona.openai_voice or "alloy",
        reference_clips=clips,
    )


def persona_spec(persona: Persona) -> PersonaSpec:
    """Everything a VoiceSession needs to know about the persona."""
    return PersonaSpec(
        slug=persona.slug,
        name=persona.name,
        system_prompt=persona.system_prompt,
        language=persona.language,
        emotions=tuple(persona.emotions),
        llm_model=persona.llm_model,
        temperature=persona.temperature,
        greeting=persona.greeting,
        voice=voice_settings(persona),
        avatar_style=persona.avatar_style,
        vrm_url=avatar_info(persona)["vrm_url"],
    )
