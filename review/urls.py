"""The review: the role home pages, the city's queue and verdicts, the experts' assignments, the
province's batches, decisions and public list; the review API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import (
    apis,
    assignment_tool_apis,
    assignment_tool_views,
    bulk_views,
    deadline_views,
    discussion_apis,
    discussion_views,
    expert_views,
    formal_check_views,
    home_views,
    import_apis,
    import_views,
    onboarding_apis,
    onboarding_views,
    public_views,
    publicity_apis,
    publicity_views,
    site_visit_apis,
    site_visit_views,
    views,
)

review = [
    path("", views.review_queue, name="review-queue"),
    path("assessments/<int:pk>/", views.review_detail, name="review-detail"),
    path("bulk/recommend/", bulk_views.bulk_recommend, name="review-bulk-recommend"),
    path("batches/<int:pk>/bulk-decide/", bulk_views.bulk_decide, name="batch-bulk-decide"),
    path(
        "batches/<int:pk>/discussion/",
        discussion_views.batch_discussion,
        name="batch-discussion",
    ),
    path(
        "batches/<int:pk>/discussion/open/",
        discussion_views.batch_discussion_open,
        name="batch-discussion-open",
    ),
    path(
        "batches/<int:pk>/discussion/close/",
        discussion_views.batch_discussion_close,
        name="batch-discussion-close",
    ),
    path(
        "discussions/<int:pk>/",
        discussion_views.discussion_thread_page,
        name="discussion-thread",
    ),
    path(
        "discussions/<int:pk>/revise/",
        discussion_views.discussion_revise,
        name="discussion-revise",
    ),
    path("assessments/<int:pk>/recommend/", views.review_recommend, name="review-recommend"),
    path("assessments/<int:pk>/return/", views.review_return, name="review-return"),
    path("assessments/<int:pk>/assign/", views.review_assign, name="review-assign"),
    path("assessments/<int:pk>/decide/", views.review_decide, name="review-decide"),
    path(
        "assessments/<int:pk>/site-visit/assign/",
        site_visit_views.site_visit_assign,
        name="site-visit-assign",
    ),
    path("site-visits/", site_visit_views.site_visits, name="site-visits"),
    path("site-visits/<int:pk>/", site_visit_views.site_visit_page, name="site-visit-page"),
    path(
        "site-visits/<int:pk>/submit/",
        site_visit_views.site_visit_submit,
        name="site-visit-submit",
    ),
    path(
        "site-visits/<int:pk>/photos/",
        site_visit_views.site_visit_photo_upload,
        name="site-visit-photo-upload",
    ),
    path(
        "site-visit-photos/<int:pk>/",
        site_visit_views.site_visit_photo,
        name="site-visit-photo",
    ),
    path(
        "proposals/<int:pk>/confirm/",
        views.review_proposal_confirm,
        name="review-proposal-confirm",
    ),
    path(
        "proposals/<int:pk>/reject/",
        views.review_proposal_reject,
        name="review-proposal-reject",
    ),
    path("assignments/", expert_views.expert_assignments, name="expert-assignments"),
    path("assignments/<int:pk>/", expert_views.assignment_page, name="assignment-page"),
    path(
        "assignments/<int:pk>/submit/",
        expert_views.assignment_submit,
        name="assignment-submit",
    ),
    path(
        "assignments/<int:pk>/conflict/",
        expert_views.assignment_conflict,
        name="assignment-conflict",
    ),
    path("assignments/<int:pk>/remove/", views.review_unassign, name="review-unassign"),
    path("batches/", views.batch_list, name="review-batches"),
    path("batches/<int:pk>/settings/", views.batch_settings, name="batch-settings"),
    path(
        "batches/<int:pk>/formal-check/",
        formal_check_views.formal_check_queue,
        name="formal-check-queue",
    ),
    path(
        "assessments/<int:pk>/formal-check/",
        formal_check_views.formal_check_detail,
        name="formal-check-detail",
    ),
    path("batches/<int:pk>/assignments/", views.batch_assignments, name="batch-assignments"),
    path(
        "batches/<int:pk>/assignments/auto/",
        views.batch_auto_assign,
        name="batch-auto-assign",
    ),
    path("batches/<int:pk>/decisions/", views.batch_decisions, name="batch-decisions"),
    path(
        "batches/<int:pk>/deadlines/",
        deadline_views.batch_deadlines_page,
        name="batch-deadlines",
    ),
    path(
        "batches/<int:pk>/deadlines/remind/",
        deadline_views.batch_remind_late,
        name="batch-remind-late",
    ),
    path("batches/<int:pk>/publish/", publicity_views.batch_publish, name="batch-publish"),
    path(
        "batches/<int:pk>/objections/",
        publicity_views.batch_objections,
        name="batch-objections",
    ),
    path("objections/<int:pk>/", publicity_views.objection_detail, name="objection-detail"),
    path(
        "preferences/<int:pk>/",
        assignment_tool_views.expert_preferences,
        name="expert-preferences",
    ),
    path(
        "batches/<int:pk>/preferences/",
        assignment_tool_views.batch_preference_phase,
        name="batch-preference-phase",
    ),
    path("batches/<int:pk>/matrix/", assignment_tool_views.batch_matrix, name="batch-matrix"),
    path(
        "batches/<int:pk>/progress/",
        assignment_tool_views.batch_progress_page,
        name="batch-progress",
    ),
    path(
        "objections/<int:pk>/resolve/",
        publicity_views.objection_resolve,
        name="objection-resolve",
    ),
    path(
        "objections/<int:pk>/letter/",
        publicity_views.objection_letter,
        name="objection-letter",
    ),
]

onboarding = [
    path("register/", onboarding_views.register, name="register"),
    path("register/sent/", onboarding_views.registration_sent, name="registration-sent"),
    path(
        "register/verify/<str:token>/",
        onboarding_views.registration_verify,
        name="registration-verify",
    ),
    path("registrations/", onboarding_views.registration_queue, name="registration-queue"),
    path(
        "registrations/<int:pk>/licence/",
        onboarding_views.registration_licence,
        name="registration-licence",
    ),
    path(
        "registrations/<int:pk>/decide/",
        onboarding_views.registration_decide,
        name="registration-decide",
    ),
    path(
        "enterprises/<int:pk>/registration/",
        onboarding_views.registration_resubmit,
        name="registration-resubmit",
    ),
    path(
        "join-requests/<int:pk>/decide/",
        onboarding_views.join_request_decide,
        name="join-request-decide",
    ),
    path(
        "imports/enterprises/",
        import_views.import_page,
        {"kind": "enterprises"},
        name="import-enterprises",
    ),
    path(
        "imports/enterprises/template/",
        import_views.import_template,
        {"kind": "enterprises"},
        name="import-enterprises-template",
    ),
    path("imports/experts/", import_views.import_page, {"kind": "experts"}, name="import-experts"),
    path(
        "imports/experts/template/",
        import_views.import_template,
        {"kind": "experts"},
        name="import-experts-template",
    ),
]

urlpatterns = [
    *onboarding,
    path("", home_views.home, name="home"),
    path("review/", include(review)),
    path("public/lists/", public_views.public_lists, name="public-lists"),
    path("public/lists/<int:pk>/", public_views.public_list, name="public-list"),
    path(
        "public/lists/<int:pk>/objections/",
        public_views.public_objection,
        name="public-objection",
    ),
]

api_router = SimpleRouter()
api_router.register(
    "review/assessments", apis.ReviewAssessmentViewSet, basename="review-api-assessment"
)
api_router.register("review/assignments", apis.AssignmentViewSet, basename="review-api-assignment")
api_router.register("review/batches", apis.ReviewBatchViewSet, basename="review-api-batch")
api_router.register(
    "review/proposals", apis.DecisionProposalViewSet, basename="review-api-proposal"
)
api_router.register(
    "review/objections", publicity_apis.ObjectionViewSet, basename="review-api-objection"
)

api_router.register("review/bulk", discussion_apis.BulkRecommendViewSet, basename="review-api-bulk")
api_router.register(
    "review/site-visits", site_visit_apis.SiteVisitViewSet, basename="review-api-site-visit"
)
api_router.register(
    "review/assessments",
    site_visit_apis.SiteVisitAssignViewSet,
    basename="review-api-site-visit-assign",
)
api_router.register(
    "review/registrations",
    onboarding_apis.RegistrationReviewViewSet,
    basename="review-api-registration",
)
api_router.register(
    "review/batches", discussion_apis.DiscussionBatchViewSet, basename="review-api-batch-tools"
)
api_router.register(
    "review/discussions", discussion_apis.DiscussionViewSet, basename="review-api-discussion"
)

api_urlpatterns = [
    path("registrations/", onboarding_apis.RegistrationApi.as_view(), name="api-registration"),
    path(
        "review/imports/enterprises/",
        import_apis.ImportApi.as_view(kind="enterprises"),
        name="api-import-enterprises",
    ),
    path(
        "review/imports/experts/",
        import_apis.ImportApi.as_view(kind="experts"),
        name="api-import-experts",
    ),
    path(
        "review/preferences/<int:pk>/",
        assignment_tool_apis.PreferencesApi.as_view(),
        name="review-api-preferences",
    ),
    path(
        "review/batches/<int:pk>/preference-phase/",
        assignment_tool_apis.PreferencePhaseApi.as_view(),
        name="review-api-batch-preference-phase",
    ),
    path(
        "review/batches/<int:pk>/matrix/",
        assignment_tool_apis.MatrixApi.as_view(),
        name="review-api-batch-matrix",
    ),
    path(
        "review/batches/<int:pk>/progress/",
        assignment_tool_apis.ProgressApi.as_view(),
        name="review-api-batch-progress",
    ),
    path("public/batches/<int:pk>/list/", apis.PublicListApi.as_view(), name="api-public-list"),
]
