"""Review endpoints of the API, mirroring the web workflow."""

from rest_framework import viewsets
from rest_framework.views import APIView

from .models import Assessment, ExpertAssignment


class ReviewAssessmentViewSet(viewsets.GenericViewSet):
    queryset = Assessment.objects.none()


class AssignmentViewSet(viewsets.GenericViewSet):
    queryset = ExpertAssignment.objects.none()


class ReviewBatchViewSet(viewsets.GenericViewSet):
    queryset = Assessment.objects.none()


class NotificationViewSet(viewsets.GenericViewSet):
    queryset = Assessment.objects.none()


class PublicListApi(APIView):
    pass
