/**
 * Labels for the oasdiff conformance test: base -> revision pairs from oasdiff's checker test
 * suite (read in place from ../shared/oasdiff-checker-fixtures/, never copied), the rules its Go
 * tests expect on each and the highest level among them (INFO and no finding both read `info`).
 * `client` is set where this client's verdict departs from oasdiff's, with the reason.
 */
import type { Level } from '../../scripts/lib/diff-model.js';

/** One labelled pair. */
export interface OasdiffPair {
  /** Paths under the fixture folder's data/ (derived pairs start with ../derived/). */
  base: string;
  revision: string;
  /** oasdiff's rule ids the Go tests expect (empty: they expect no finding). */
  rules: string[];
  /** The highest level oasdiff gives. */
  oasdiff: Level;
  /** This client's verdict where it differs, and why. */
  client?: { level: Level; reason: string };
}

/** Every labelled pair. */
export const OASDIFF_PAIRS: OasdiffPair[] = [
  {
    base: 'enums/request-body-enum-revision.yaml',
    revision: 'enums/request-body-enum.yaml',
    rules: [],
    oasdiff: 'info',
  },
  {
    base: 'pattern-base.yaml',
    revision: 'pattern-revision.yaml',
    rules: [],
    oasdiff: 'info',
    client: {
      level: 'breaking',
      reason:
        "a pattern is removed from a response property: the old client's generated validator still enforces it, so responses the new spec allows are rejected",
    },
  },
  {
    base: 'pattern-base.yaml',
    revision: 'pattern-modified.yaml',
    rules: [],
    oasdiff: 'info',
    client: {
      level: 'breaking',
      reason:
        'the pattern becomes `.*` (matches anything) on a response property: the same as removing it, see pattern-revision',
    },
  },
  {
    base: 'request_params/base.yaml',
    revision: 'request_params/required-request-params.yaml',
    rules: [
      'NewOptionalRequestDefaultParameterToExistingPathId',
      'NewRequiredRequestDefaultParameterToExistingPathId',
    ],
    oasdiff: 'breaking',
  },
  {
    base: 'response-media-type-revision.yaml',
    revision: 'response-media-type-base.yaml',
    rules: [],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_body_media_type_updated_base.yaml',
    revision: 'checker/request_body_media_type_updated_revision.yaml',
    rules: ['RequestBodyMediaTypeAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_body_media_type_updated_revision.yaml',
    revision: 'checker/request_body_media_type_updated_base.yaml',
    rules: ['RequestBodyMediaTypeRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_body_removed_base.yaml',
    revision: 'checker/request_body_removed_revision.yaml',
    rules: ['RequestBodyRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_discriminator_added_base.yaml',
    revision: 'checker/request_property_discriminator_added_revision.yaml',
    rules: ['RequestBodyDiscriminatorAddedId', 'RequestPropertyDiscriminatorAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_discriminator_added_revision.yaml',
    revision: 'checker/request_property_discriminator_added_base.yaml',
    rules: ['RequestBodyDiscriminatorRemovedId', 'RequestPropertyDiscriminatorRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_discriminator_added_revision.yaml',
    revision: 'checker/request_property_discriminator_added_property_name_changed.yaml',
    rules: [
      'RequestBodyDiscriminatorPropertyNameChangedId',
      'RequestPropertyDiscriminatorPropertyNameChangedId',
    ],
    oasdiff: 'info',
    client: {
      level: 'breaking',
      reason:
        "renaming the discriminator property removes the request property `petType`: typed callers that set it stop compiling (oasdiff's test runs only the discriminator check)",
    },
  },
  {
    base: 'checker/request_property_discriminator_added_revision.yaml',
    revision: 'checker/request_property_discriminator_mapping_changed.yaml',
    rules: [
      'RequestBodyDiscriminatorMappingAddedId',
      'RequestBodyDiscriminatorMappingDeletedId',
      'RequestPropertyDiscriminatorMappingAddedId',
      'RequestPropertyDiscriminatorMappingChangedId',
      'RequestPropertyDiscriminatorMappingDeletedId',
    ],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_became_enum_base.yaml',
    revision: 'checker/request_parameter_became_enum_revision.yaml',
    rules: ['RequestParameterBecameEnumId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_enum_value_updated_base.yaml',
    revision: 'checker/request_parameter_enum_value_updated_revision.yaml',
    rules: ['RequestParameterEnumValueRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_enum_value_updated_revision.yaml',
    revision: 'checker/request_parameter_enum_value_updated_base.yaml',
    rules: ['RequestParameterEnumValueAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_property_enum_value_updated_base.yaml',
    revision: 'checker/request_parameter_property_enum_value_updated_revision.yaml',
    rules: ['RequestParameterPropertyEnumValueRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_property_enum_value_updated_revision.yaml',
    revision: 'checker/request_parameter_property_enum_value_updated_base.yaml',
    rules: ['RequestParameterPropertyEnumValueAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_pattern_added_or_changed_revision.yaml',
    revision: 'checker/request_parameter_pattern_added_or_changed_base.yaml',
    rules: ['RequestParameterPatternAddedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_pattern_added_or_changed_base.yaml',
    revision: 'checker/request_parameter_pattern_added_or_changed_revision.yaml',
    rules: ['RequestParameterPatternRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_default_value_changed_base.yaml',
    revision: 'checker/request_parameter_default_value_changed_revision.yaml',
    rules: ['RequestParameterDefaultValueChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_default_value_changed_base_renamed.yaml',
    revision: 'checker/request_parameter_default_value_changed_revision_renamed.yaml',
    rules: ['RequestParameterDefaultValueChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_max_items_updated_base.yaml',
    revision: 'checker/request_parameter_max_items_updated_revision.yaml',
    rules: ['RequestParameterMaxItemsIncreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_max_items_updated_revision.yaml',
    revision: 'checker/request_parameter_max_items_updated_base.yaml',
    rules: ['RequestParameterMaxItemsDecreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/common_request_parameter_max_items_updated_revision.yaml',
    revision: 'checker/common_request_parameter_max_items_updated_base.yaml',
    rules: [],
    oasdiff: 'info',
    client: {
      level: 'breaking',
      reason:
        'a path-level parameter applies to every operation under it, so its lowered maxItems narrows them (oasdiff says the same with --flatten-params)',
    },
  },
  {
    base: 'checker/request_parameter_array_max_items_base.yaml',
    revision: 'checker/request_parameter_array_max_items_revision.yaml',
    rules: ['RequestParameterMaxItemsDecreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_max_length_set_base.yaml',
    revision: 'checker/request_parameter_max_length_set_revision.yaml',
    rules: ['RequestParameterMaxLengthSetId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason:
        'a maxLength set on a request value narrows what the API accepts: callers sending longer values are refused',
    },
  },
  {
    base: 'checker/request_parameter_max_length_updated_base.yaml',
    revision: 'checker/request_parameter_max_length_updated_revision.yaml',
    rules: ['RequestParameterMaxLengthIncreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_max_length_updated_revision.yaml',
    revision: 'checker/request_parameter_max_length_updated_base.yaml',
    rules: ['RequestParameterMaxLengthDecreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_max_updated_base.yaml',
    revision: 'checker/request_parameter_max_updated_revision.yaml',
    rules: ['RequestParameterMaxIncreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_max_updated_revision.yaml',
    revision: 'checker/request_parameter_max_updated_base.yaml',
    rules: ['RequestParameterMaxDecreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_min_items_increased_base.yaml',
    revision: 'checker/request_parameter_min_items_increased_revision.yaml',
    rules: ['RequestParameterMinItemsIncreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_min_items_increased_revision.yaml',
    revision: 'checker/request_parameter_min_items_increased_base.yaml',
    rules: ['RequestParameterMinItemsDecreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_min_length_increased_base.yaml',
    revision: 'checker/request_parameter_min_length_increased_revision.yaml',
    rules: ['RequestParameterMinLengthIncreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_min_length_increased_revision.yaml',
    revision: 'checker/request_parameter_min_length_increased_base.yaml',
    rules: ['RequestParameterMinLengthDecreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_parameter_min_increased_base.yaml',
    revision: 'checker/request_parameter_min_increased_revision.yaml',
    rules: ['RequestParameterMinIncreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_parameter_min_increased_revision.yaml',
    revision: 'checker/request_parameter_min_increased_base.yaml',
    rules: ['RequestParameterMinDecreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_all_of_added_base.yaml',
    revision: 'checker/request_property_all_of_added_revision.yaml',
    rules: ['RequestBodyAllOfAddedId', 'RequestPropertyAllOfAddedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_all_of_removed_base.yaml',
    revision: 'checker/request_property_all_of_removed_revision.yaml',
    rules: ['RequestBodyAllOfRemovedId', 'RequestPropertyAllOfRemovedId'],
    oasdiff: 'warning',
  },
  {
    base: 'checker/request_property_any_of_added_base.yaml',
    revision: 'checker/request_property_any_of_added_revision.yaml',
    rules: ['RequestBodyAnyOfAddedId', 'RequestPropertyAnyOfAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_any_of_removed_base.yaml',
    revision: 'checker/request_property_any_of_removed_revision.yaml',
    rules: ['RequestBodyAnyOfRemovedId', 'RequestPropertyAnyOfRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_became_nullable_revision.yaml',
    revision: 'checker/request_property_became_nullable_base.yaml',
    rules: ['RequestPropertyBecomeNotNullableId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_became_nullable_base.yaml',
    revision: 'checker/request_property_became_nullable_revision.yaml',
    rules: ['RequestPropertyBecomeNullableId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_became_nullable_31_base.yaml',
    revision: 'checker/request_property_became_nullable_31_revision.yaml',
    rules: ['RequestPropertyBecomeNullableId', 'ResponsePropertyBecameNullableId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_became_nullable_31_revision.yaml',
    revision: 'checker/request_property_became_nullable_31_base.yaml',
    rules: ['RequestPropertyBecomeNotNullableId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_body_const_changed_base.yaml',
    revision: 'checker/request_body_const_changed_revision.yaml',
    rules: ['RequestBodyConstChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_body_default_value_changed_base.yaml',
    revision: 'checker/request_body_default_value_changed_revision.yaml',
    rules: ['RequestBodyDefaultValueChangedId'],
    oasdiff: 'info',
    client: {
      level: 'breaking',
      reason:
        "the revision also drops the application/json request body, which callers can no longer send (oasdiff's test runs only the default-value check)",
    },
  },
  {
    base: 'checker/request_body_max_length_set_base.yaml',
    revision: 'checker/request_body_max_length_set_revision.yaml',
    rules: ['RequestBodyMaxLengthSetId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason: 'a maxLength set on the request body narrows what the API accepts',
    },
  },
  {
    base: 'checker/request_property_max_length_set_base.yaml',
    revision: 'checker/request_property_max_length_set_revision.yaml',
    rules: ['RequestPropertyMaxLengthSetId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason: 'a maxLength set on a request property narrows what the API accepts',
    },
  },
  {
    base: 'checker/request_body_max_set_base.yaml',
    revision: 'checker/request_body_max_set_revision.yaml',
    rules: ['RequestBodyMaxSetId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason: 'a maximum set on the request body narrows what the API accepts',
    },
  },
  {
    base: 'checker/request_property_max_set_base.yaml',
    revision: 'checker/request_property_max_set_revision.yaml',
    rules: ['RequestPropertyMaxSetId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason: 'a maximum set on a request property narrows what the API accepts',
    },
  },
  {
    base: 'checker/request_property_min_items_increased_base.yaml',
    revision: 'checker/request_property_min_items_increased_revision.yaml',
    rules: ['RequestBodyMinItemsIncreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_min_items_increased_revision.yaml',
    revision: 'checker/request_property_min_items_increased_base.yaml',
    rules: [],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_min_increased_base.yaml',
    revision: 'checker/request_property_min_increased_revision.yaml',
    rules: ['RequestPropertyMinIncreasedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_min_increased_revision.yaml',
    revision: 'checker/request_property_min_increased_base.yaml',
    rules: ['RequestPropertyMinDecreasedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_one_of_added_base.yaml',
    revision: 'checker/request_property_one_of_added_revision.yaml',
    rules: ['RequestBodyOneOfAddedId', 'RequestPropertyOneOfAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_one_of_removed_base.yaml',
    revision: 'checker/request_property_one_of_removed_revision.yaml',
    rules: ['RequestBodyOneOfRemovedId', 'RequestPropertyOneOfRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_pattern_added_or_changed_revision.yaml',
    revision: 'checker/request_property_pattern_added_or_changed_base.yaml',
    rules: ['RequestPropertyPatternAddedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_pattern_added_or_changed_base.yaml',
    revision: 'checker/request_property_pattern_added_or_changed_revision.yaml',
    rules: ['RequestPropertyPatternRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/request_property_type_changed_base.yaml',
    revision: 'checker/request_property_type_changed_revision.yaml',
    rules: ['RequestPropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_type_changed_base_array_to_object.yaml',
    revision: 'checker/request_property_type_changed_revision_array_to_object.yaml',
    rules: ['RequestBodyTypeChangedId', 'RequestPropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_type_changed_revision_array_to_object.yaml',
    revision: 'checker/request_property_type_changed_base_array_to_object.yaml',
    rules: ['RequestBodyTypeChangedId', 'RequestPropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_added_base.yaml',
    revision: 'checker/request_property_added_revision.yaml',
    rules: ['NewRequiredRequestPropertyId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_added_base.yaml',
    revision: 'checker/request_property_added_revision2.yaml',
    rules: ['NewOptionalRequestPropertyId', 'NewRequiredRequestPropertyId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/request_property_added_revision.yaml',
    revision: 'checker/request_property_added_base.yaml',
    rules: ['RequestPropertyRemovedId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason: 'a removed request property breaks typed callers that set it (they stop compiling)',
    },
  },
  {
    base: 'checker/request_property_added_base.yaml',
    revision: 'checker/request_property_added_with_default.yaml',
    rules: ['NewRequiredRequestPropertyWithDefaultId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_property_discriminator_added_base.yaml',
    revision: 'checker/response_property_discriminator_added_revision.yaml',
    rules: ['ResponseBodyDiscriminatorAddedId', 'ResponsePropertyDiscriminatorAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_discriminator_added_revision.yaml',
    revision: 'checker/response_property_discriminator_added_base.yaml',
    rules: ['ResponseBodyDiscriminatorRemovedId', 'ResponsePropertyDiscriminatorRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_discriminator_added_revision.yaml',
    revision: 'checker/response_property_discriminator_added_property_name_changed.yaml',
    rules: [
      'ResponseBodyDiscriminatorPropertyNameChangedId',
      'ResponsePropertyDiscriminatorPropertyNameChangedId',
    ],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_discriminator_added_revision.yaml',
    revision: 'checker/response_property_discriminator_mapping_changed.yaml',
    rules: [
      'ResponseBodyDiscriminatorMappingAddedId',
      'ResponseBodyDiscriminatorMappingDeletedId',
      'ResponsePropertyDiscriminatorMappingAddedId',
      'ResponsePropertyDiscriminatorMappingChangedId',
      'ResponsePropertyDiscriminatorMappingDeletedId',
    ],
    oasdiff: 'info',
  },
  {
    base: 'checker/add_new_media_type_base.yaml',
    revision: 'checker/add_new_media_type_revision.yaml',
    rules: ['ResponseMediaTypeAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/add_new_media_type_revision.yaml',
    revision: 'checker/add_new_media_type_base.yaml',
    rules: ['ResponseMediaTypeRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_optional_property_removed_base.yaml',
    revision: 'checker/response_optional_property_removed_revision.yaml',
    rules: ['ResponseOptionalPropertyRemovedId'],
    oasdiff: 'warning',
    client: {
      level: 'info',
      reason:
        'an optional response property was already typed as possibly missing, so readers handle its absence',
    },
  },
  {
    base: 'checker/response_optional_property_removed_revision.yaml',
    revision: 'checker/response_optional_property_removed_base.yaml',
    rules: ['ResponseOptionalPropertyAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_all_of_added_base.yaml',
    revision: 'checker/response_property_all_of_added_revision.yaml',
    rules: ['ResponseBodyAllOfAddedId', 'ResponsePropertyAllOfAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_all_of_removed_base.yaml',
    revision: 'checker/response_property_all_of_removed_revision.yaml',
    rules: ['ResponseBodyAllOfRemovedId', 'ResponsePropertyAllOfRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_any_of_added_base.yaml',
    revision: 'checker/response_property_any_of_added_revision.yaml',
    rules: ['ResponseBodyAnyOfAddedId', 'ResponsePropertyAnyOfAddedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_any_of_removed_base.yaml',
    revision: 'checker/response_property_any_of_removed_revision.yaml',
    rules: ['ResponseBodyAnyOfRemovedId', 'ResponsePropertyAnyOfRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_became_optional_base.yaml',
    revision: 'checker/response_property_became_optional_revision.yaml',
    rules: ['ResponsePropertyBecameOptionalId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_property_became_optional_revision.yaml',
    revision: 'checker/response_property_became_optional_base.yaml',
    rules: ['ResponsePropertyBecameRequiredId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_const_changed_base.yaml',
    revision: 'checker/response_property_const_changed_revision.yaml',
    rules: ['ResponseBodyConstChangedId', 'ResponsePropertyConstChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_property_default_value_changed_base.yaml',
    revision: 'checker/response_property_default_value_changed_revision.yaml',
    rules: ['ResponsePropertyDefaultValueChangedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_property_one_of_added_base.yaml',
    revision: 'checker/response_property_one_of_added_revision.yaml',
    rules: ['ResponseBodyOneOfAddedId', 'ResponsePropertyOneOfAddedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_property_one_of_removed_base.yaml',
    revision: 'checker/response_property_one_of_removed_revision.yaml',
    rules: ['ResponseBodyOneOfRemovedId', 'ResponsePropertyOneOfRemovedId'],
    oasdiff: 'info',
  },
  {
    base: 'checker/response_schema_type_changed_base.yaml',
    revision: 'checker/response_schema_type_changed_revision.yaml',
    rules: ['ResponseBodyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_property_any_of_complex_base.yaml',
    revision: 'checker/response_property_any_of_complex_revision.yaml',
    rules: ['ResponsePropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'additional-properties/base.yaml',
    revision: 'additional-properties/revision.yaml',
    rules: ['ResponsePropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'additional-properties/embedded-base.yaml',
    revision: 'additional-properties/embedded-revision.yaml',
    rules: ['ResponsePropertyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: 'checker/response_required_property_added_base.yaml',
    revision: 'checker/response_required_property_added_revision.yaml',
    rules: ['ResponseRequiredPropertyAddedId'],
    oasdiff: 'info',
  },
  {
    base: '../derived/add_required_request_body_base.yaml',
    revision: '../derived/add_required_request_body_revision.yaml',
    rules: ['AddedRequiredRequestBodyId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/header_param_became_optional_base.yaml',
    revision: '../derived/header_param_became_optional_revision.yaml',
    rules: ['RequestParameterBecameOptionalId'],
    oasdiff: 'info',
  },
  {
    base: '../derived/header_param_became_required_base.yaml',
    revision: '../derived/header_param_became_required_revision.yaml',
    rules: ['RequestParameterBecameRequiredId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/new_path_param_base.yaml',
    revision: '../derived/new_path_param_revision.yaml',
    rules: ['NewRequestPathParameterId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/new_required_header_param_base.yaml',
    revision: '../derived/new_required_header_param_revision.yaml',
    rules: ['NewRequiredRequestHeaderParameterId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/request_body_became_optional_base.yaml',
    revision: '../derived/request_body_became_optional_revision.yaml',
    rules: ['RequestBodyBecameOptionalId'],
    oasdiff: 'info',
  },
  {
    base: '../derived/request_body_became_required_base.yaml',
    revision: '../derived/request_body_became_required_revision.yaml',
    rules: ['RequestBodyBecameRequiredId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/request_body_number_to_int32_base.yaml',
    revision: '../derived/request_body_number_to_int32_revision.yaml',
    rules: ['RequestBodyTypeChangedId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/request_path_param_format_added_base.yaml',
    revision: '../derived/request_path_param_format_added_revision.yaml',
    rules: ['RequestParameterFormatAddedId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/request_property_enum_value_added_base.yaml',
    revision: '../derived/request_property_enum_value_added_revision.yaml',
    rules: ['RequestPropertyEnumValueAddedId'],
    oasdiff: 'info',
  },
  {
    base: '../derived/request_property_enum_value_removed_base.yaml',
    revision: '../derived/request_property_enum_value_removed_revision.yaml',
    rules: ['RequestPropertyEnumValueRemovedId'],
    oasdiff: 'breaking',
  },
  {
    base: '../derived/response_body_number_to_int32_base.yaml',
    revision: '../derived/response_body_number_to_int32_revision.yaml',
    rules: ['ResponseBodyTypeChangedId'],
    oasdiff: 'info',
  },
  {
    base: '../derived/response_property_enum_value_added_base.yaml',
    revision: '../derived/response_property_enum_value_added_revision.yaml',
    rules: ['ResponsePropertyEnumValueAddedId'],
    oasdiff: 'warning',
    client: {
      level: 'breaking',
      reason:
        'a new response enum value is one the old types do not allow: readers switching on the enum break',
    },
  },
  {
    base: '../derived/response_property_enum_value_removed_base.yaml',
    revision: '../derived/response_property_enum_value_removed_revision.yaml',
    rules: ['ResponsePropertyEnumValueRemovedId'],
    oasdiff: 'info',
  },
];
