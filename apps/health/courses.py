"""The course catalog: a holder of `health.course.write` adds courses; every member lists them and enrols
once (a conditional write: enrolling again is 409)."""

from __future__ import annotations

import re

from apps.health import access, store
from apps.health.models import CourseIn, CourseOut, Enrolment
from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, NotFound
from shared.tables import tenant_key

_ID = re.compile(r"^co_[A-Za-z0-9]{1,64}$")


class CourseNotFound(NotFound):
    default_message = "No such course"


def create(body: CourseIn) -> CourseOut:
    user = access.requiring(access.COURSE_WRITE)
    doc = {**body.model_dump(by_alias=True), "courseId": new_id("co_"), "createdAt": utc_now_iso()}
    gsi = (tenant_key(user.tenant_id, "COURSES"), f"{doc['createdAt']}#{doc['courseId']}")
    store.create(tenant_key(user.tenant_id, "COURSE", doc["courseId"]), "COURSE", doc, gsi)
    return CourseOut.model_validate(doc)


def catalog() -> list[CourseOut]:
    user = access.caller()
    return [CourseOut.model_validate(d) for d in store.by_index(tenant_key(user.tenant_id, "COURSES"))]


def enrol(course_id: str) -> Enrolment:
    user = access.caller()
    pk = tenant_key(user.tenant_id, "COURSE", course_id)
    if not _ID.fullmatch(course_id) or store.get(pk, "COURSE") is None:
        raise CourseNotFound(details={"courseId": course_id})
    doc = {"courseId": course_id, "userId": user.user_id, "enrolledAt": utc_now_iso()}
    if not store.create(tenant_key(user.tenant_id, "COURSE", course_id, "ENROLLED"), user.user_id, doc):
        raise Conflict("You are enrolled in this course already")
    return Enrolment.model_validate(doc)
