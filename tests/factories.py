import itertools

import factory

from portal.models import City, Enterprise, IndustryType, Role, SizeClass, User
from portal.validators import uscc_check_character

_serial = itertools.count(1)


def credit_code(region: str = "320500") -> str:
    first17 = f"91{region}MA{next(_serial):07d}"[:17]
    return first17 + uscc_check_character(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试制造企业{n}有限公司")
    city = City.SUZHOU
    credit_code = factory.LazyAttribute(lambda o: credit_code(o.city))
    district = "工业园区"
    industry_code = "C3421"
    industry_type = IndustryType.DISCRETE
    size = SizeClass.MEDIUM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.ENTERPRISE_ADMIN
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-2026")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


PASSWORD = "pass-for-tests-2026"
