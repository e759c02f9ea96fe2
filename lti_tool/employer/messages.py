"""The employer's words in English and Spanish: their page and their email.

A small message table per language, chosen by the supervisor's preference and switchable on the
page. (Flask-Babel is not on main yet; when the shell adopts it these move to its catalogues.)
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "es")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "lang_name": "English",
        "mail_subject": "Please rate {student}'s work at {partner}",
        "mail_greeting": "Hello {supervisor},",
        "mail_body": "{teacher} asks you to rate the work-based learning of {student} "
                     "(“{task}”, {course}). It takes a few minutes on a phone: look at the "
                     "student's work, confirm their hours and score each skill.",
        "mail_button": "Open the rating page",
        "mail_expires": "This link works until {expires} and only for you; no account or "
                        "password is needed.",
        "mail_ignore": "If you did not expect this message, you can ignore it.",
        "page_title": "Rate {student}'s work",
        "task": "Task",
        "placement": "Placement",
        "artifacts": "The student's work",
        "no_artifacts": "The student has not handed in any work yet.",
        "rubric": "Rating",
        "not_observed": "Not observed",
        "not_observed_hint": "No opportunity to observe this skill; it does not count.",
        "comment": "Comment (optional)",
        "comment_required": "Comment (required for this level)",
        "overall": "Overall comment (optional)",
        "signature": "Type your full name to sign",
        "save": "Save draft",
        "saved": "Draft saved.",
        "submit": "Submit rating",
        "submitted": "Thank you. Your rating was submitted on {when}; the teacher will "
                     "review it.",
        "returned": "The teacher sent your rating back with this note:",
        "read_only": "This rating was submitted and can no longer be changed.",
        "switch": "Español",
        "confirm_email": "Confirm your email address to open this page",
        "email": "Your email address",
        "continue": "Continue",
        "email_mismatch": "That is not the address this link was sent to.",
        "refused_tampered": "This link is not valid. It may have been cut off or changed "
                            "when it was copied. Open it again from the email, or ask the "
                            "teacher for a new one.",
        "refused_expired": "This link has expired. Ask the teacher for a new one.",
        "refused_revoked": "This link was withdrawn by the teacher (a newer link may have been "
                           "sent). Use the latest email, or ask the teacher.",
        "refused_other_tenant": "This link was not issued by this school's Worklink. Ask the "
                                "teacher for a new one.",
        "refused_rate": "Too many attempts. Wait a minute and try again.",
        "refused_missing": "Open the link from the email you received.",
        "needs_script": "This page needs JavaScript to open the link safely.",
        "opening": "Opening…",
    },
    "es": {
        "lang_name": "Español",
        "mail_subject": "Por favor evalúe el trabajo de {student} en {partner}",
        "mail_greeting": "Hola {supervisor}:",
        "mail_body": "{teacher} le pide evaluar el aprendizaje en el trabajo de {student} "
                     "(«{task}», {course}). Toma unos minutos en el teléfono: vea el trabajo "
                     "del estudiante, confirme sus horas y califique cada habilidad.",
        "mail_button": "Abrir la página de evaluación",
        "mail_expires": "Este enlace funciona hasta el {expires} y solo para usted; no necesita "
                        "cuenta ni contraseña.",
        "mail_ignore": "Si no esperaba este mensaje, puede ignorarlo.",
        "page_title": "Evalúe el trabajo de {student}",
        "task": "Tarea",
        "placement": "Práctica",
        "artifacts": "El trabajo del estudiante",
        "no_artifacts": "El estudiante todavía no ha entregado trabajo.",
        "rubric": "Evaluación",
        "not_observed": "No observado",
        "not_observed_hint": "No hubo oportunidad de observar esta habilidad; no cuenta.",
        "comment": "Comentario (opcional)",
        "comment_required": "Comentario (obligatorio para este nivel)",
        "overall": "Comentario general (opcional)",
        "signature": "Escriba su nombre completo para firmar",
        "save": "Guardar borrador",
        "saved": "Borrador guardado.",
        "submit": "Enviar evaluación",
        "submitted": "Gracias. Su evaluación se envió el {when}; el maestro la revisará.",
        "returned": "El maestro le devolvió su evaluación con esta nota:",
        "read_only": "Esta evaluación ya se envió y no se puede cambiar.",
        "switch": "English",
        "confirm_email": "Confirme su correo electrónico para abrir esta página",
        "email": "Su correo electrónico",
        "continue": "Continuar",
        "email_mismatch": "Esa no es la dirección a la que se envió este enlace.",
        "refused_tampered": "Este enlace no es válido. Puede haberse cortado o cambiado al "
                            "copiarlo. Ábralo de nuevo desde el correo o pida uno nuevo al "
                            "maestro.",
        "refused_expired": "Este enlace venció. Pida uno nuevo al maestro.",
        "refused_revoked": "El maestro retiró este enlace (puede haber enviado uno más "
                           "reciente). Use el correo más reciente o consulte al maestro.",
        "refused_other_tenant": "Este enlace no lo emitió el Worklink de esta escuela. Pida "
                                "uno nuevo al maestro.",
        "refused_rate": "Demasiados intentos. Espere un minuto e intente de nuevo.",
        "refused_missing": "Abra el enlace desde el correo que recibió.",
        "needs_script": "Esta página necesita JavaScript para abrir el enlace de forma segura.",
        "opening": "Abriendo…",
    },
}


def language(preferred: str | None) -> str:
    return preferred if preferred in LANGUAGES else "en"


def messages(lang: str) -> Mapping[str, str]:
    return MESSAGES[language(lang)]
