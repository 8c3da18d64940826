from django.urls import path

from learners import views

# Staff pages, mounted under /staff/learners/.
urlpatterns = [
    path("", views.learner_list_view, name="learners-list"),
    path("<int:pk>/", views.learner_detail_view, name="learners-detail"),
    path("<int:pk>/merge/", views.learner_merge_view, name="learners-merge"),
]
