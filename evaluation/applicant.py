"""The applicant's identity on its assessments (``Assessment.applicant_*``): it follows the
enterprise's profile while an assessment is editable, is frozen at submission, and locks the
profile's identity fields while a submission is in review (``portal.identity``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from portal.identity import identity_lock_register
from portal.models import Enterprise

from .models import EDITABLE_STATES, IN_REVIEW_STATES, Assessment, applicant_identity


def in_review_lock(enterprise) -> str | None:
    """A submission of the enterprise is in review: its identity is what is being judged."""
    live = (
        Assessment.objects.filter(enterprise=enterprise, state__in=IN_REVIEW_STATES)
        .select_related("batch")
        .first()
    )
    if live is None:
        return None
    return _("贵企业在“%(batch)s”的申报正在审核中") % {"batch": live.batch.name}


identity_lock_register(in_review_lock)


@receiver(post_save, sender=Enterprise, dispatch_uid="evaluation.applicant_follows_profile")
def applicant_follows_profile(sender, instance, **kwargs):
    """Editable assessments take the profile's identity as it changes (any channel)."""
    Assessment.objects.filter(enterprise=instance, state__in=EDITABLE_STATES).update(
        **applicant_identity(instance)
    )
